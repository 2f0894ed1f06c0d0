using GpuInference.Backends;
using GpuInference.Backends.Models;
using GpuInference.Kernels.Exposures;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The first pass with the pairs of small terms in integer lanes against the double lanes, bit for bit, and the
/// exact pairs' sums against whole-number sums taken by brute force: every kind of small term (count, any, at
/// least, a 0/1 treatment, an own treatment of two whole levels) beside terms that stay in doubles (a share, own
/// levels that are not whole), in chunks that end mid-block, with isolated units, units past the 127 friends the
/// integer lanes take (their blocks keep the double lanes) and hubs past the byte counters; and chunks that hold a
/// share of one group, whose small terms' Σ m the integer lanes take as well.
/// </summary>
public sealed class BytePairSumsTests
{
    private const int W = ModelSlots.Width;

    /// <summary>With <paramref name="shares"/>, chunks within one group sum Σ m per chunk, and the small terms' Σ m go through the integer lanes too.</summary>
    [FullLaneAtomsTheory]
    [InlineData(64, 0.6, 5, false)]
    [InlineData(64, 0.0, 7, false)]
    [InlineData(61, 0.9, 9, false)]
    [InlineData(64, 0.6, 5, true)]
    [InlineData(64, 0.3, 11, true)]
    public void TheIntegerLanesGiveTheDoubleLanesBits(int count, double atBaseline, int seed, bool shares)
    {
        ModelProblem problem = Problem(seed, shares);
        Assert.NotNull(BytePairSums.For(problem));
        Assert.Equal(shares, problem.ChunkGroup.Any(g => g >= 0));
        ulong[] words = ChangedNodeSumsTests.Words(problem, atBaseline, count, seed: 31 + seed);
        var slots = new ModelSlots(problem.TermCount, problem.BasisCount);
        var options = new BackendOptions { Threads = 2 };
        double[] Moments(bool integerPairs)
        {
            var partials = new double[problem.ChunkCount * slots.FirstPass * W];
            using var backend = new CpuModelBackend(problem, options, integerPairs);
            backend.Moments(words, count, partials, new double[problem.GroupCount * problem.TermCount * W]);
            return partials;
        }

        double[] doubles = Moments(integerPairs: false), integers = Moments(integerPairs: true);
        for (int i = 0; i < doubles.Length; i++)
        {
            if (i % W >= count) continue; // lanes past the batch are never read
            Assert.True(BitConverter.DoubleToInt64Bits(doubles[i]) == BitConverter.DoubleToInt64Bits(integers[i]),
                $"partial {i} (chunk {i / (slots.FirstPass * W)}, slot {i / W % slots.FirstPass}, lane {i % W}): integer lanes {integers[i]:R}, double lanes {doubles[i]:R}");
        }

        // The exact pairs are whole-number sums: the brute-force products of the general path's terms, in longs.
        var terms = new UnitTerms(problem, fromByteCounters: false);
        var expected = new long[problem.ChunkCount, slots.Pairs, W];
        for (int chunk = 0; chunk < problem.ChunkCount; chunk++)
        {
            for (int u = problem.ChunkStart[chunk]; u < problem.ChunkStart[chunk + 1]; u++)
            {
                terms.Evaluate(words, u, W);
                for (int a = 0; a < problem.TermCount; a++)
                {
                    for (int b = 0; b <= a; b++)
                    {
                        if (!problem.ExactTerms[a] || !problem.ExactTerms[b]) continue;
                        for (int p = 0; p < count; p++) expected[chunk, ModelSlots.Pair(a, b), p] += (long)terms.Value(a, p) * (long)terms.Value(b, p);
                    }
                }
            }
        }
        int checkedPairs = 0;
        for (int chunk = 0; chunk < problem.ChunkCount; chunk++)
        {
            for (int a = 0; a < problem.TermCount; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    if (!problem.ExactTerms[a] || !problem.ExactTerms[b]) continue;
                    checkedPairs++;
                    for (int p = 0; p < count; p++)
                    {
                        double sum = integers[(chunk * slots.FirstPass + slots.Cross + ModelSlots.Pair(a, b)) * W + p];
                        Assert.True(sum == expected[chunk, ModelSlots.Pair(a, b), p], $"chunk {chunk}, pair ({a}, {b}), lane {p}: {sum:R}, brute force {expected[chunk, ModelSlots.Pair(a, b), p]}");
                    }
                }
            }
        }
        Assert.Equal(problem.ChunkCount * 21, checkedPairs); // six exact terms
    }

    /// <summary>A term that is not exact, or a product of atoms, stays in doubles; fewer than two small terms leave nothing to pair.</summary>
    [Fact]
    public void OnlyExactTermsOfOneAtomArePaired()
    {
        ModelProblem problem = Problem(seed: 3);
        BytePairSums? pairs = BytePairSums.For(problem);
        if (pairs is null)
        {
            Assert.False(BytePairSums.IsAccelerated && ByteCountTerms.IsAccelerated, "the integer lanes should run on this hardware");
            return;
        }
        Assert.Equal(6, pairs.Terms);
        Assert.True(pairs.Takes(3, 0));
        Assert.True(pairs.Takes(5, 4));
        Assert.False(pairs.Takes(6, 0)); // the share
        Assert.False(pairs.Takes(7, 7)); // own levels 1.5 and −2
        bool[] oneExact = [true, .. Enumerable.Repeat(false, problem.TermCount - 1)];
        Assert.Null(BytePairSums.For(With(problem, oneExact)));
    }

    private static ModelProblem With(ModelProblem problem, bool[] exact) => new()
    {
        NodeCount = problem.NodeCount, FileNode = problem.FileNode, RowOffsets = problem.RowOffsets, Neighbors = problem.Neighbors,
        Indicators = problem.Indicators, AtomKind = problem.AtomKind, AtomParameter = problem.AtomParameter, AtomIndicator = problem.AtomIndicator,
        LevelStart = problem.LevelStart, LevelIndicator = problem.LevelIndicator, LevelValue = problem.LevelValue, TermStart = problem.TermStart,
        TermAtoms = problem.TermAtoms, TermFixedFactor = problem.TermFixedFactor, FixedFactors = problem.FixedFactors, UnitCount = problem.UnitCount,
        Outcome = problem.Outcome, Basis = problem.Basis, BasisCount = problem.BasisCount, Absorbs = problem.Absorbs, UnitGroup = problem.UnitGroup,
        GroupSize = problem.GroupSize, Shift = problem.Shift, Leverage = problem.Leverage, ChunkStart = problem.ChunkStart, ChunkGroup = problem.ChunkGroup,
        BaselineCode = problem.BaselineCode, ExactTerms = exact,
    };

    /// <summary>
    /// Codes 0, 1, 2; indicators code = 1, code = 2, code ≥ 1. Terms: count(≥1), any(≥1), at least 3 (=2), a 0/1
    /// treatment (codes 1 and 2), own levels 1 (code 1) and 2 (code 2), count(=2) — exact, unshifted — then
    /// share(≥1) and own levels 1.5 and −2, shifted per group. Units of degrees 0 to 40, 126 to 130, 254 to 256
    /// and 350 among ones of 0 to 19, three groups, chunks of 37 units (blocks cut by chunk ends), 600 nodes.
    /// </summary>
    private static ModelProblem Problem(int seed, bool shares = false)
    {
        var random = new System.Random(seed);
        int[] degrees = [.. Enumerable.Range(0, 41), 126, 127, 128, 129, 130, 254, 255, 256, 350, .. Enumerable.Range(0, 120).Select(_ => random.Next(0, 20))];
        random.Shuffle(degrees);
        bool[] exact = [true, true, true, true, true, true, false, false];
        var atoms = new OneAtomModels.Atoms(
            Kind: [ExposureCodes.Count, ExposureCodes.Any, ExposureCodes.AtLeast, ModelProblem.OwnValueAtom, ModelProblem.OwnValueAtom, ExposureCodes.Count, ExposureCodes.Share, ModelProblem.OwnValueAtom],
            Parameter: [0, 0, 3, 0, 0, 0, 0, 0],
            Indicator: [2, 2, 1, -1, -1, 1, 2, -1],
            LevelStart: [0, 0, 0, 0, 1, 3, 3, 3, 5],
            LevelIndicator: [2, 0, 1, 0, 1],
            LevelValue: [1.0, 1.0, 2.0, 1.5, -2.0]);
        return OneAtomModels.Create(random, nodes: 600, degrees, groups: 3, atoms, shift: (_, t, v) => exact[t] ? 0 : 3 * v, exact, chunkUnits: 37, shares: shares);
    }
}
