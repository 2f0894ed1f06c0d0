using GpuInference.Backends.Models;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The host's sums of the linear terms from the changed nodes against the unit walk's terms summed unit by unit, on a
/// random graph with a hub past the byte counters, isolated units, friends who are not units, duplicate ties and
/// units with no tie weight; every linear kind, own values of several levels, fixed factors, shifts per group, and
/// baselines whose indicators are clear and set.
/// </summary>
public sealed class ChangedNodeSumsTests
{
    private const int W = ModelSlots.Width;

    [Theory]
    [InlineData(0, 0.9, 64)]
    [InlineData(1, 0.9, 64)]
    [InlineData(1, 0.4, 37)]
    [InlineData(2, 0.0, 64)]
    public void TheChangedNodesGiveTheWalksSums(int baseline, double atBaseline, int count)
    {
        ModelProblem problem = Problem(baseline, seed: 5);
        ulong[] words = Words(problem, atBaseline, count, seed: 11);
        var sums = new ChangedNodeSums(problem);
        sums.Sum(words, count, new ParallelOptions());

        Assert.Equal([true, true, true, true, true, true, false, false], problem.HostSummedTerms);
        var terms = new UnitTerms(problem);
        int k = problem.TermCount, n = problem.UnitCount, basis = problem.BasisCount;
        var expected = new double[k, 1 + basis, W];
        var scale = new double[k, 1 + basis, W];
        for (int u = 0; u < n; u++)
        {
            terms.Evaluate(words, u, LaneMath.Lanes(count));
            for (int t = 0; t < k; t++)
            {
                for (int c = 0; c <= basis; c++)
                {
                    double weight = c == 0 ? problem.Outcome[u] : problem.Basis[(c - 1) * n + u];
                    for (int p = 0; p < count; p++)
                    {
                        expected[t, c, p] += weight * terms.Value(t, p);
                        scale[t, c, p] += Math.Abs(weight * terms.Value(t, p));
                    }
                }
            }
        }
        for (int h = 0; h < sums.SummedTerms.Length; h++)
        {
            int t = sums.SummedTerms[h];
            for (int p = 0; p < count; p++)
            {
                Close(expected[t, 0, p], sums.Response(h, p), scale[t, 0, p], $"Σ m ỹ of term {t}, permutation {p}");
                for (int j = 0; j < basis; j++) Close(expected[t, 1 + j, p], sums.Projection(h, j, p), scale[t, 1 + j, p], $"Σ q{j} m of term {t}, permutation {p}");
            }
        }
    }

    /// <summary>
    /// A permutation's sums have the same bits whichever batch it comes in and however many threads build the per-node
    /// tables (32 here: each family's columns split into parts) and sum it (four workers, each on 16 lanes, or one).
    /// </summary>
    [Fact]
    public void ThePermutationsSumsDoNotDependOnTheBatchOrThreads()
    {
        ModelProblem problem = Problem(baseline: 1, seed: 8);
        ulong[] full = Words(problem, 0.8, 64, seed: 3);
        ulong[] partial = [.. full.Select(w => w & ((1UL << 20) - 1))];
        var wide = new ChangedNodeSums(problem, new ParallelOptions { MaxDegreeOfParallelism = 32 });
        Assert.Equal(4, ChangedNodeSums.Workers(new ParallelOptions { MaxDegreeOfParallelism = 16 }));
        wide.Sum(full, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 });
        var narrow = new ChangedNodeSums(problem);
        narrow.Sum(partial, 20, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        for (int h = 0; h < wide.SummedTerms.Length; h++)
        {
            for (int p = 0; p < 20; p++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(wide.Response(h, p)), BitConverter.DoubleToInt64Bits(narrow.Response(h, p)));
                for (int j = 0; j < problem.BasisCount; j++)
                    Assert.Equal(BitConverter.DoubleToInt64Bits(wide.Projection(h, j, p)), BitConverter.DoubleToInt64Bits(narrow.Projection(h, j, p)));
            }
        }
    }

    /// <summary>Beyond the memory for the exposures' per-node sums, only own values stay on the host.</summary>
    [Fact]
    public void ExposuresStayWithTheWalkWhenTheirSumsWouldNotFit()
    {
        ModelProblem problem = Problem(baseline: 0, seed: 2, nodes: (int)(ChangedNodeSums.MaxBytes / (3 * sizeof(double) * 4)) + 1, units: 50);
        Assert.Equal([false, false, false, false, true, true, false, false], ChangedNodeSums.Terms(problem));
    }

    private static void Close(double expected, double actual, double scale, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(scale, 1e-300), $"{what}: walk {expected:R}, changed nodes {actual:R}");

    /// <summary>
    /// Codes 0, 1, 2; indicators code = 1, code = 2, code ≥ 1; terms count(≥1), share(=1)·f, wsum(=2), wshare(≥1),
    /// own value (1.5 at code 1, −2 at code 2), own value · f, count(≥1)·any(≥1), any(≥1).
    /// </summary>
    /// <summary>A random problem (see the class summary); without tie weights, the weighted atoms become count and share.</summary>
    internal static ModelProblem Problem(int baseline, int seed, int nodes = 400, int units = 300, bool weighted = true)
    {
        var random = new System.Random(seed);
        var rows = new long[units + 1];
        var friends = new List<int>();
        for (int u = 0; u < units; u++)
        {
            int degree = u == 0 ? 350 : random.NextDouble() < 0.1 ? 0 : random.Next(1, 13);
            for (int e = 0; e < degree; e++) friends.Add(u == 7 && e == 1 ? friends[^1] : Math.Min(nodes - 1, random.Next(Math.Min(nodes, 1000))));
            rows[u + 1] = friends.Count;
        }
        var offsets = new long[nodes + 1];
        for (int v = 0; v <= nodes; v++) offsets[v] = rows[Math.Min(v, units)];
        var weights = new float[friends.Count];
        for (int e = 0; e < weights.Length; e++) weights[e] = (float)random.NextDouble() * 2;
        for (long e = rows[3]; e < rows[4]; e++) weights[e] = 0; // a unit with friends but no tie weight
        const int groups = 4, k = 8, basis = 2;
        int[] unitGroup = [.. Enumerable.Range(0, units).Select(_ => random.Next(groups))];
        var groupSize = new int[groups];
        foreach (int g in unitGroup) groupSize[g]++;
        double[] Values(int length) => [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)];
        return new ModelProblem
        {
            NodeCount = nodes,
            FileNode = [.. Enumerable.Range(0, nodes)],
            RowOffsets = offsets,
            Neighbors = [.. friends],
            Weights = weighted ? weights : null,
            Indicators = [[false, true, false], [false, false, true], [false, true, true]],
            AtomKind = weighted
                ? [ExposureCodes.Count, ExposureCodes.Share, ExposureCodes.WeightedSum, ExposureCodes.WeightedShare, ModelProblem.OwnValueAtom, ExposureCodes.Any]
                : [ExposureCodes.Count, ExposureCodes.Share, ExposureCodes.Share, ExposureCodes.Count, ModelProblem.OwnValueAtom, ExposureCodes.Any],
            AtomParameter = [0, 0, 0, 0, 0, 0],
            AtomIndicator = [2, 0, 1, 2, -1, 2],
            LevelStart = [0, 0, 0, 0, 0, 2, 2],
            LevelIndicator = [0, 1],
            LevelValue = [1.5, -2.0],
            TermStart = [0, 1, 2, 3, 4, 5, 6, 8, 9],
            TermAtoms = [0, 1, 2, 3, 4, 4, 0, 5, 5],
            TermFixedFactor = [-1, 0, -1, -1, -1, 0, -1, -1],
            FixedFactors = [Values(units)],
            UnitCount = units,
            Outcome = Values(units),
            Basis = Values(basis * units),
            BasisCount = basis,
            Absorbs = true,
            UnitGroup = unitGroup,
            GroupSize = groupSize,
            Shift = [.. Values(groups * k).Select(v => 3 * v)],
            Leverage = new double[units],
            ChunkStart = [0, units],
            ChunkGroup = [-1],
            BaselineCode = baseline,
        };
    }

    /// <summary>Each node's code under each permutation: the baseline with probability <paramref name="atBaseline"/>, else any code.</summary>
    internal static ulong[] Words(ModelProblem problem, double atBaseline, int count, int seed)
    {
        var random = new System.Random(seed);
        int indicators = problem.IndicatorCount;
        var words = new ulong[problem.NodeCount * indicators];
        for (int node = 0; node < problem.NodeCount; node++)
        {
            for (int p = 0; p < count; p++)
            {
                int code = random.NextDouble() < atBaseline ? problem.BaselineCode : random.Next(3);
                for (int i = 0; i < indicators; i++)
                {
                    if (problem.Indicators[i][code]) words[node * indicators + i] |= 1UL << p;
                }
            }
        }
        return words;
    }
}
