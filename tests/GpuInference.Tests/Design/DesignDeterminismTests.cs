using GpuInference.Design.Randomization;
using GpuInference.Random;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>Permutation b of a stream is a pure function of (seed, b): order, threads and instances do not matter.</summary>
public sealed class DesignDeterminismTests
{
    public static TheoryData<string> Designs() => new(DesignInvariantTests.Designs().Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Designs))]
    public void SameSeedAndIndexGiveTheSameCodesInAnyOrder(string name)
    {
        var (_, codes, blocks, clusters, bernoulli) = DesignInvariantTests.Designs().Single(d => d.Name == name);
        const int count = 64;
        const ulong seed = 99;
        RandomizedDesign forward = AssignmentDesigns.Declare(codes, blocks, clusters, bernoulli);
        var expected = new int[count][];
        for (int b = 0; b < count; b++)
        {
            expected[b] = new int[codes.Length];
            forward.Draw(seed, b, expected[b]);
        }

        // A second instance, drawing backwards, then in parallel, then as bytes.
        RandomizedDesign other = AssignmentDesigns.Declare(codes, blocks, clusters, bernoulli);
        var drawn = new int[codes.Length];
        for (int b = count - 1; b >= 0; b--)
        {
            other.Draw(seed, b, drawn);
            Assert.Equal(expected[b], drawn);
        }
        var parallel = new int[count][];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, b =>
        {
            parallel[b] = new int[codes.Length];
            forward.Draw(seed, count - 1 - b, parallel[b]);
        });
        for (int b = 0; b < count; b++) Assert.Equal(expected[count - 1 - b], parallel[b]);
        var bytes = new byte[codes.Length];
        forward.Draw(seed, 17, bytes);
        Assert.Equal(expected[17], bytes.Select(x => (int)x).ToArray());

        // Other seeds and indices give other draws (a design this size has far more than two assignments).
        forward.Draw(seed + 1, 0, drawn);
        Assert.NotEqual(expected[0], drawn);
        Assert.NotEqual(expected[0], expected[1]);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void SourcesGiveTheDrawnCodes(string name)
    {
        var (_, codes, blocks, clusters, bernoulli) = DesignInvariantTests.Designs().Single(d => d.Name == name);
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters, bernoulli);
        var drawn = new int[codes.Length];
        var sources = new int[codes.Length];
        for (int b = 0; b < 5; b++)
        {
            design.Draw(8, b, drawn);
            design.DrawSources(8, b, sources);
            Assert.Equal(drawn, sources.Select(source => codes[source]).ToArray());
            if (!bernoulli && clusters is null) Assert.Equal(Enumerable.Range(0, codes.Length), sources.Order());
            if (blocks is not null) Assert.All(Enumerable.Range(0, codes.Length), u => Assert.Equal(blocks[u], blocks[sources[u]]));
        }
    }

    [Fact]
    public void CompleteDesignIsTheEnginesPermutation()
    {
        // Position j takes the code of unit π(j), π the engine's bijection for (seed, b): the paper preset's draws.
        int[] codes = Enumerable.Range(0, 5000).Select(u => (u * 7919) % 4).ToArray();
        RandomizedDesign design = AssignmentDesigns.Declare(codes);
        var drawn = new int[codes.Length];
        foreach (long b in new long[] { 0, 1, 999, 1L << 33 })
        {
            design.Draw(42, b, drawn);
            var bijection = new PermutationBijection(42, (ulong)b, (ulong)codes.Length);
            for (int j = 0; j < codes.Length; j++) Assert.Equal(codes[(int)bijection.Map((ulong)j)], drawn[j]);
        }
    }

    [Fact]
    public void DrawingAllocatesNothingOnceWarm()
    {
        var (_, codes, blocks, clusters, _) = DesignInvariantTests.Designs().Single(d => d.Name == "clusters within blocks");
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters);
        RandomizedDesign bernoulli = AssignmentDesigns.Declare(codes, blocks, bernoulli: true);
        var drawn = new int[codes.Length];
        design.Draw(1, 0, drawn);
        bernoulli.Draw(1, 0, drawn);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 1; b < 50; b++)
        {
            design.Draw(1, b, drawn);
            bernoulli.Draw(1, b, drawn);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void PermutationMatrixHoldsOneColumnPerDraw()
    {
        RandomizedDesign design = AssignmentDesigns.Declare([0, 1, 1, 2, 0], blocks: [0, 0, 1, 1, 1]);
        int[,] matrix = design.ObtainPermutationMatrix(5, 4, first: 10);
        Assert.Equal(5, matrix.GetLength(0));
        Assert.Equal(4, matrix.GetLength(1));
        var drawn = new int[5];
        for (int b = 0; b < 4; b++)
        {
            design.Draw(5, 10 + b, drawn);
            for (int u = 0; u < 5; u++) Assert.Equal(drawn[u], matrix[u, b]);
        }
    }
}
