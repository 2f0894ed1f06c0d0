using GpuInference.Design.Randomization;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>Bernoulli redraws: each unit's empirical share of each code is its block's observed share.</summary>
public sealed class BernoulliShareTests
{
    private const int Draws = 20_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EachUnitDrawsItsBlocksObservedShares(bool clustered)
    {
        // Block 0 (5 units): codes 0,0,1,2,2 → shares 2/5, 1/5, 2/5. Block 1 (3 units): 1,1,0 → 1/3, 2/3, 0.
        // Clustered, every unit is its own cluster but for units 5 and 6, which share a cluster and code 1: block 1
        // then has clusters with codes (1, 0) and shares 1/2, 1/2.
        int[] codes = [0, 0, 1, 2, 2, 1, 1, 0];
        int[] blocks = [0, 0, 0, 0, 0, 1, 1, 1];
        int[]? clusters = clustered ? [0, 1, 2, 3, 4, 5, 5, 6] : null;
        double[][] shares = clustered
            ? [[0.4, 0.2, 0.4], [0.5, 0.5, 0.0]]
            : [[0.4, 0.2, 0.4], [1.0 / 3, 2.0 / 3, 0.0]];
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters, bernoulli: true);

        var counts = new int[codes.Length, 3];
        var drawn = new int[codes.Length];
        for (int b = 0; b < Draws; b++)
        {
            design.Draw(7, b, drawn);
            for (int u = 0; u < codes.Length; u++) counts[u, drawn[u]]++;
        }
        for (int u = 0; u < codes.Length; u++)
        {
            for (int code = 0; code < 3; code++)
            {
                double share = shares[blocks[u]][code];
                double tolerance = 5 * Math.Sqrt(share * (1 - share) / Draws);
                Assert.InRange(counts[u, code] / (double)Draws, share - tolerance, share + tolerance);
            }
        }
        if (clustered)
        {
            for (int b = 0; b < 200; b++)
            {
                design.Draw(7, b, drawn);
                Assert.Equal(drawn[5], drawn[6]);
            }
        }
    }

    [Fact]
    public void LargeBlockSharesHoldAcrossUnits()
    {
        // 3,000 units in one block, 30% code 1: across units and draws the share of code 1 is 0.3.
        int[] codes = Enumerable.Range(0, 3000).Select(u => u % 10 < 3 ? 1 : 0).ToArray();
        RandomizedDesign design = AssignmentDesigns.Declare(codes, bernoulli: true);
        var drawn = new int[codes.Length];
        long ones = 0;
        const int draws = 200;
        for (int b = 0; b < draws; b++)
        {
            design.Draw(11, b, drawn);
            ones += drawn.Sum();
        }
        double trials = (double)draws * codes.Length;
        double tolerance = 5 * Math.Sqrt(0.3 * 0.7 / trials);
        Assert.InRange(ones / trials, 0.3 - tolerance, 0.3 + tolerance);
    }
}
