using GpuInference.Backends.Models;
using GpuInference.Inference.Models;
using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The layout the backends receive: units renumbered first and sorted so that every chunk lies in one absorbed group
/// and one cluster; the graph the same graph under the renumbering, each row's friends in file order; the moving
/// terms flattened into shared indicators and atoms.
/// </summary>
public sealed class ModelLayoutTests
{
    private static readonly VillageData Data = VillageData.Create(people: 500, seed: 5);

    [Fact]
    public void ChunksHoldWholeGroupsAndClustersOrAShareOfOneAndTheGraphIsRenumberedFaithfully()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + share(t) + t + x1 | village", "t");
        var fixedPart = new FixedPart(model);
        int[] sessions = [.. Data.Table["session"].Codes!];
        var map = new Dictionary<int, int>();
        int[] clusters = [.. model.UnitNodes.Select(n => map.TryGetValue(sessions[n], out int d) ? d : map[sessions[n]] = map.Count)];
        var covariance = new PermutationCovariance("CR1", clusters, map.Count, "session");
        ModelProblem problem = ModelLayout.Build(model, fixedPart, [.. model.Outcome], covariance, out string? reason)!;
        Assert.Null(reason);

        // The file node of each problem node is a permutation of the nodes, the units first.
        Assert.Equal(Enumerable.Range(0, model.Graph.NodeCount), problem.FileNode.Order());
        Assert.Equal(model.UnitNodes.Order(), problem.FileNode.Take(problem.UnitCount).Order());
        int[] unitOf = new int[model.Graph.NodeCount];
        for (int i = 0; i < model.UnitCount; i++) unitOf[model.UnitNodes[i]] = i;

        int[] unitCluster = new int[problem.UnitCount];
        for (int u = 0; u < problem.UnitCount; u++)
        {
            int fileUnit = unitOf[problem.FileNode[u]];
            Assert.Equal(model.FixedEffect![fileUnit], problem.UnitGroup[u]);
            unitCluster[u] = clusters[fileUnit];
        }
        Assert.Equal(unitCluster, problem.UnitCluster);
        for (int c = 0; c < problem.ChunkCount; c++)
        {
            Assert.True(problem.ChunkStart[c + 1] - problem.ChunkStart[c] is > 0 and <= ModelLayout.ChunkUnits);
            WholeOrShare(problem.UnitGroup, problem.ChunkGroup[c], problem.ChunkStart[c], problem.ChunkStart[c + 1]);
            WholeOrShare(unitCluster, problem.ChunkCluster![c], problem.ChunkStart[c], problem.ChunkStart[c + 1]);
        }
        Assert.True(problem.ChunkCount < map.Count, "sessions are packed several to a chunk");
        for (int v = 0; v < problem.NodeCount; v++)
        {
            int file = problem.FileNode[v];
            int[] expected = model.Graph.Columns[(int)model.Graph.RowOffsets[file]..(int)model.Graph.RowOffsets[file + 1]];
            int[] actual = [.. problem.Neighbors[(int)problem.RowOffsets[v]..(int)problem.RowOffsets[v + 1]].Select(w => problem.FileNode[w])];
            Assert.Equal(expected, actual);
        }
        Assert.Equal(problem.UnitCount, problem.GroupSize.Sum());
    }

    /// <summary>
    /// A chunk's share for a key: −1 when it holds whole items only (none starts before it or ends after it), or the
    /// one item all its units belong to.
    /// </summary>
    private static void WholeOrShare(int[] key, int share, int first, int end)
    {
        if (share >= 0)
        {
            Assert.All(key[first..end], id => Assert.Equal(share, id));
            return;
        }
        Assert.True(first == 0 || key[first - 1] != key[first]);
        Assert.True(end == key.Length || key[end] != key[end - 1]);
    }

    [Fact]
    public void TermsShareIndicatorsAndAtoms()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + share(t) + count(t):x1 + t + count(arm==2) | village", "t", "arm");
        ModelProblem problem = ModelLayout.Build(model, new FixedPart(model), [.. model.Outcome], null, out _)!;
        // Indicators: t = 1, arm = 2 (own t uses t = 1 as its one level). Atoms: count(t), share(t), own t, count(arm==2).
        Assert.Equal(2, problem.IndicatorCount);
        Assert.Equal(4, problem.AtomCount);
        Assert.Equal(5, problem.TermCount);
        Assert.Single(problem.FixedFactors);
        Assert.Equal([-1, -1, 0, -1, -1], problem.TermFixedFactor);
    }

    /// <summary>
    /// Counts, thresholds, own treatments with whole levels and their products take whole values only: they are exact
    /// and unshifted, so their sums are whole numbers. Shares and products with a fractional covariate are shifted by
    /// their observed group means, as before.
    /// </summary>
    [Fact]
    public void WholeValuedTermsAreExactAndUnshifted()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + share(t) + count(t):x1 + t + any(arm==2) + atleast(t, 2) + count(t):any(arm==2) | village", "t", "arm");
        ModelProblem problem = ModelLayout.Build(model, new FixedPart(model), [.. model.Outcome], null, out _)!;
        Assert.Equal([true, false, false, true, true, true, true], problem.ExactTerms);
        for (int t = 0; t < problem.TermCount; t++)
        {
            double[] shifts = [.. Enumerable.Range(0, problem.GroupCount).Select(g => problem.Shift[g * problem.TermCount + t])];
            if (problem.ExactTerms[t]) Assert.All(shifts, s => Assert.Equal(0.0, s));
            else Assert.Contains(shifts, s => s != 0);
        }
    }

    [Fact]
    public void CrossingClustersAreRefusedWithTheReason()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + t | village", "t");
        int[] groups = [.. Data.Table["grp"].Codes!];
        int[] clusters = [.. model.UnitNodes.Select(n => groups[n])];
        var covariance = new PermutationCovariance("CR1", clusters, clusters.Max() + 1, "grp");
        Assert.Null(ModelLayout.Build(model, new FixedPart(model), [.. model.Outcome], covariance, out string? reason));
        Assert.Equal("the clusters and the absorbed fixed effect cross (neither nests in the other)", reason);
    }

    /// <summary>Sums that would outgrow the memory allowed send the model to the reference path, with the sizes in the reason.</summary>
    [Fact]
    public void SumsBeyondTheMemoryLimitAreRefused()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + t | village", "t");
        var covariance = PermutationCovariance.Heteroskedastic("HC2");
        Assert.NotNull(ModelLayout.Build(model, new FixedPart(model), [.. model.Outcome], covariance, out _));
        Assert.Null(ModelLayout.Build(model, new FixedPart(model), [.. model.Outcome], covariance, out string? reason, maxBatchBytes: 1 << 10));
        Assert.Contains("absorbed groups would need", reason, StringComparison.Ordinal);
        Assert.Contains("MiB of sums per batch", reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Without clusters, small groups are packed whole into chunks (each written whole), and a group larger than a chunk
    /// has chunks of its own: every group is either inside one chunk of whole groups or spread over its own chunks.
    /// </summary>
    [Fact]
    public void SmallGroupsArePackedWholeAndLargeOnesSplit()
    {
        CompiledModel grouped = Data.Compile("y ~ count(t) + t | village^grp", "t");
        ModelProblem packed = ModelLayout.Build(grouped, new FixedPart(grouped), [.. grouped.Outcome], null, out _)!;
        Assert.True(packed.ChunkCount < packed.GroupCount);
        Assert.All(packed.ChunkGroup, g => Assert.Equal(-1, g));
        for (int c = 0; c < packed.ChunkCount; c++)
        {
            int first = packed.ChunkStart[c], last = packed.ChunkStart[c + 1] - 1;
            Assert.True(first == 0 || packed.UnitGroup[first - 1] != packed.UnitGroup[first]); // no group starts before its chunk
            Assert.True(last == packed.UnitCount - 1 || packed.UnitGroup[last + 1] != packed.UnitGroup[last]); // nor ends after it
        }

        VillageData big = VillageData.Create(people: 5000, seed: 2);
        CompiledModel pooled = big.Compile("y ~ count(t) + t + x1", "t");
        ModelProblem split = ModelLayout.Build(pooled, new FixedPart(pooled), [.. pooled.Outcome], null, out _)!;
        Assert.Equal(1, split.GroupCount);
        Assert.True(split.ChunkCount > 1);
        Assert.All(split.ChunkGroup, g => Assert.Equal(0, g));
        Assert.All(Enumerable.Range(0, split.ChunkCount), c => Assert.True(split.ChunkStart[c + 1] - split.ChunkStart[c] <= ModelLayout.ChunkUnits));
    }
}
