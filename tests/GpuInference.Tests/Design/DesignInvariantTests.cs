using GpuInference.Design.Randomization;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>
/// Designs of 3,000 units, with a block of 1,200 units (400 clusters, past the shuffle limit, so drawn through a
/// bijection), one of 600 and 600 matched pairs (shuffled): blocks keep their own codes and clusters stay whole.
/// </summary>
public sealed class DesignInvariantTests
{
    public sealed record LargeDesign(string Name, int[] Codes, int[]? Blocks, int[]? Clusters, bool Bernoulli);

    private const int Units = 3000;

    private static int BlockOf(int unit) => unit < 1200 ? 0 : unit < 1800 ? 1 : 2 + (unit - 1800) / 2;

    /// <summary>Triples in the two large blocks, single units in the pairs.</summary>
    private static int ClusterOf(int unit) => unit < 1800 ? unit / 3 : 600 + (unit - 1800);

    private static int Hash(int value) => (int)(((uint)value * 2654435761u) >> 28) % 4;

    public static IEnumerable<LargeDesign> Designs()
    {
        int[] blocks = Enumerable.Range(0, Units).Select(BlockOf).ToArray();
        int[] clusters = Enumerable.Range(0, Units).Select(ClusterOf).ToArray();
        int[] unitCodes = Enumerable.Range(0, Units).Select(Hash).ToArray();
        int[] clusterCodes = Enumerable.Range(0, Units).Select(u => Hash(ClusterOf(u))).ToArray();
        yield return new("complete", unitCodes, null, null, false);
        yield return new("blocked", unitCodes, blocks, null, false);
        yield return new("clustered", clusterCodes, null, clusters, false);
        yield return new("clusters within blocks", clusterCodes, blocks, clusters, false);
        yield return new("Bernoulli within blocks", unitCodes, blocks, null, true);
        yield return new("Bernoulli clusters within blocks", clusterCodes, blocks, clusters, true);
    }

    public static TheoryData<string> Names() => new(Designs().Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void BlocksKeepTheirCodesAndClustersStayWhole(string name)
    {
        var (_, codes, blocks, clusters, bernoulli) = Designs().Single(d => d.Name == name);
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters, bernoulli);
        int[] blockOf = blocks ?? new int[Units];
        int[] clusterOf = clusters ?? Enumerable.Range(0, Units).ToArray();
        int[] representatives = Enumerable.Range(0, Units).GroupBy(u => clusterOf[u]).Select(g => g.Min()).ToArray();
        var drawn = new int[Units];
        int moved = 0;
        for (int b = 0; b < 20; b++)
        {
            design.Draw(3, b, drawn);
            for (int u = 0; u < Units; u++)
            {
                Assert.Equal(drawn[representatives.First(r => clusterOf[r] == clusterOf[u])], drawn[u]);
            }
            foreach (var block in representatives.GroupBy(r => blockOf[r]))
            {
                var observed = block.Select(r => codes[r]).Order().ToArray();
                var now = block.Select(r => drawn[r]).Order().ToArray();
                if (bernoulli) Assert.Subset(observed.ToHashSet(), now.ToHashSet());
                else Assert.Equal(observed, now);
            }
            moved += Enumerable.Range(0, Units).Count(u => drawn[u] != codes[u]);
        }
        // Something moved: roughly three quarters of the units change code under four equally common codes.
        Assert.True(moved > 20 * Units / 2, $"only {moved} unit-draws changed code");
    }

    [Fact]
    public void DescribesEachKind()
    {
        string[] described = Designs().Select(d => AssignmentDesigns.Declare(d.Codes, d.Blocks, d.Clusters, d.Bernoulli).Describe()).ToArray();
        Assert.Equal(
        [
            "complete permutation: 3,000 units, 4 codes",
            "blocked permutation: 3,000 units in 602 blocks, 4 codes",
            "clustered permutation: 3,000 units in 1,800 clusters, 4 codes",
            "clusters within blocks permutation: 3,000 units in 1,800 clusters and 602 blocks, 4 codes",
            "blocked Bernoulli redraws with each block's observed shares: 3,000 units in 602 blocks, 4 codes",
            "clusters within blocks Bernoulli redraws with each block's observed shares: 3,000 units in 1,800 clusters and 602 blocks, 4 codes",
        ], described);
    }
}
