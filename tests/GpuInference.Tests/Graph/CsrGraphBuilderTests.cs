using GpuInference.Graph;

namespace GpuInference.Tests.Graph;

public sealed class CsrGraphBuilderTests
{
    [Fact]
    public void SmallGraphGivesTheExpectedArrays()
    {
        // 0→2, 0→1, 2→0, 2→3, 2→1, node 1 and 3 have no friends; plus a self-loop 3→3 and a repeat 0→2.
        int[] src = [0, 0, 2, 2, 3, 0, 2];
        int[] dst = [2, 1, 0, 3, 3, 2, 1];
        var graph = CsrGraphBuilder.Build(4, src, dst);
        Assert.Equal([0L, 2, 2, 5, 5], graph.RowOffsets);
        Assert.Equal([1, 2, 0, 1, 3], graph.Columns);
        Assert.Equal(1, graph.SelfLoopsDropped);
        Assert.Equal(1, graph.DuplicatesDropped);
        Assert.Equal(5, graph.EdgeCount);
        Assert.Equal(3, graph.Degree(2));
        Assert.Null(graph.Weights);
    }

    [Fact]
    public void RepeatedPairKeepsTheFirstWeight()
    {
        int[] src = [1, 1, 1, 0];
        int[] dst = [2, 0, 2, 0];
        float[] w = [0.5f, 0.25f, 9f, 1f];
        var graph = CsrGraphBuilder.Build(3, src, dst, w);
        Assert.Equal([0L, 0, 2, 2], graph.RowOffsets);
        Assert.Equal([0, 2], graph.Columns);
        Assert.Equal([0.25f, 0.5f], graph.Weights!);
        Assert.Equal(1, graph.SelfLoopsDropped);
        Assert.Equal(1, graph.DuplicatesDropped);
    }

    [Fact]
    public void EmptyGraphAndIsolatedNodes()
    {
        var graph = CsrGraphBuilder.Build(3, [], []);
        Assert.Equal([0L, 0, 0, 0], graph.RowOffsets);
        Assert.Empty(graph.Columns);
    }

    [Fact]
    public void ManyRowsSortAcrossTaskBoundaries()
    {
        const int n = 40_000;
        var src = new int[3 * n];
        var dst = new int[3 * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                src[3 * i + k] = i;
                dst[3 * i + k] = (i + 7 * (3 - k)) % n; // written in descending friend order
            }
        }
        var graph = CsrGraphBuilder.Build(n, src, dst);
        Assert.Equal(3L * n, graph.EdgeCount);
        for (int i = 0; i < n; i += 997)
        {
            var row = graph.Columns.AsSpan((int)graph.RowOffsets[i], 3).ToArray();
            Assert.Equal(new[] { (i + 7) % n, (i + 14) % n, (i + 21) % n }.Order().ToArray(), row);
        }
    }

    [Fact]
    public void AnyNumberOfChunksGivesTheSameGraph()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var random = new System.Random(seed);
            int nodes = random.Next(1, 60), edges = random.Next(0, 400);
            int[] src = [.. Enumerable.Range(0, edges).Select(_ => random.Next(nodes))];
            int[] dst = [.. Enumerable.Range(0, edges).Select(_ => random.Next(nodes))];
            float[] w = [.. Enumerable.Range(0, edges).Select(_ => (float)random.Next(100))];
            var one = CsrGraphBuilder.Build(nodes, src, dst, w, chunks: 1);
            var unweighted = CsrGraphBuilder.Build(nodes, src, dst, default, chunks: 1);
            for (int chunks = 2; chunks <= 9; chunks++)
            {
                var many = CsrGraphBuilder.Build(nodes, src, dst, w, chunks);
                Assert.Equal(one.RowOffsets, many.RowOffsets);
                Assert.Equal(one.Columns, many.Columns);
                Assert.Equal(one.Weights!, many.Weights!); // the first weight of a repeated pair: file order survived
                Assert.Equal(one.SelfLoopsDropped, many.SelfLoopsDropped);
                Assert.Equal(one.DuplicatesDropped, many.DuplicatesDropped);
                var manyUnweighted = CsrGraphBuilder.Build(nodes, src, dst, default, chunks);
                Assert.Equal(unweighted.RowOffsets, manyUnweighted.RowOffsets);
                Assert.Equal(unweighted.Columns, manyUnweighted.Columns);
            }
        }
    }

    [Fact]
    public void TheFirstEdgeOutsideTheGraphIsNamedWhateverTheChunks()
    {
        int[] src = [0, 1, 2, 1, 7, 0, 9, 1];
        int[] dst = [1, 2, 0, 5, 0, 1, 1, 8];
        for (int chunks = 1; chunks <= 8; chunks++)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => CsrGraphBuilder.Build(3, src, dst, default, chunks));
            Assert.Contains("edge 3 (1, 5) names a node outside 0..2.", error.Message);
        }
    }
}
