using GpuInference.Backends.Models;
using GpuInference.Kernels.Exposures;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The terms taken straight from the byte counters against the general path's (widened counts, atoms, then the
/// shift), bit for bit: every kind the fast path takes (count, share, any, at least, own levels), at every degree
/// from isolated units through the 16 picked counts and the divided shares to a hub past the byte counters (which
/// keeps the general path), with kept counts written by one pass and read by the next, and a batch short of 64.
/// </summary>
public sealed class ByteCountTermsTests
{
    private const int W = ModelSlots.Width;

    [FullLaneAtomsTheory]
    [InlineData(64, 0.6)]
    [InlineData(61, 0.9)]
    [InlineData(64, 0.0)]
    public void TheTermsHaveTheGeneralPathsBits(int count, double atBaseline)
    {
        ModelProblem problem = Problem(seed: 3);
        Assert.NotNull(ByteCountTerms.For(problem));
        ulong[] words = ChangedNodeSumsTests.Words(problem, atBaseline, count, seed: 17);
        var general = new UnitTerms(problem, fromByteCounters: false);
        var walked = new UnitTerms(problem);
        FriendCounts counts = FriendCounts.For(problem)!;
        var keeping = new UnitTerms(problem) { Counts = counts, CountsReused = false };
        var reusing = new UnitTerms(problem) { Counts = counts, CountsReused = true };
        for (int u = 0; u < problem.UnitCount; u++) keeping.Evaluate(words, u, W);
        for (int u = 0; u < problem.UnitCount; u++)
        {
            general.Evaluate(words, u, W);
            walked.Evaluate(words, u, W);
            reusing.Evaluate(words, u, W);
            for (int t = 0; t < problem.TermCount; t++)
            {
                for (int p = 0; p < W; p++)
                {
                    long expected = BitConverter.DoubleToInt64Bits(general.Value(t, p));
                    Assert.True(expected == BitConverter.DoubleToInt64Bits(walked.Value(t, p)), $"unit {u}, term {t}, lane {p}: walked {walked.Value(t, p):R}, general {general.Value(t, p):R}");
                    Assert.True(expected == BitConverter.DoubleToInt64Bits(reusing.Value(t, p)), $"unit {u}, term {t}, lane {p}: kept {reusing.Value(t, p):R}, general {general.Value(t, p):R}");
                }
            }
        }
    }

    /// <summary>Products of atoms, fixed factors and tie weights keep the general path.</summary>
    [Fact]
    public void OtherModelsKeepTheGeneralPath()
    {
        Assert.Null(ByteCountTerms.For(ChangedNodeSumsTests.Problem(baseline: 1, seed: 5, weighted: false)));
        Assert.Null(ByteCountTerms.For(ChangedNodeSumsTests.Problem(baseline: 1, seed: 5, weighted: true)));
    }

    /// <summary>
    /// Codes 0, 1, 2; indicators code = 1, code = 2, code ≥ 1; terms count(≥1), share(=1), any(≥1), at least 3 (=2),
    /// own value (1.5 at code 1, −2 at code 2), share(≥1), count(=2), own value (1 at codes 1 and 2: a 0/1 treatment); units of every degree from 0 to 40, 254 to 256 and
    /// 350, shifts per group, a duplicate tie and friends who are not units.
    /// </summary>
    private static ModelProblem Problem(int seed)
    {
        var random = new System.Random(seed);
        int[] degrees = [.. Enumerable.Range(0, 41), 254, 255, 256, 350, .. Enumerable.Range(0, 60).Select(_ => random.Next(0, 20))];
        var atoms = new OneAtomModels.Atoms(
            Kind: [ExposureCodes.Count, ExposureCodes.Share, ExposureCodes.Any, ExposureCodes.AtLeast, ModelProblem.OwnValueAtom, ExposureCodes.Share, ExposureCodes.Count, ModelProblem.OwnValueAtom],
            Parameter: [0, 0, 0, 3, 0, 0, 0, 0],
            Indicator: [2, 0, 2, 1, -1, 2, 1, -1],
            LevelStart: [0, 0, 0, 0, 0, 2, 2, 2, 3],
            LevelIndicator: [0, 1, 2],
            LevelValue: [1.5, -2.0, 1.0]);
        return OneAtomModels.Create(random, nodes: 500, degrees, groups: 3, atoms, shift: (_, _, v) => 3 * v, repeatedTie: 9);
    }
}

/// <summary>A theory that needs native AVX-512, as <see cref="FullLaneAtomsFactAttribute"/>.</summary>
public sealed class FullLaneAtomsTheoryAttribute : TheoryAttribute
{
    public FullLaneAtomsTheoryAttribute()
    {
        if (!FullLaneAtoms.IsAccelerated || !Backends.Cpu.Avx512BitSpread.IsSupported) Skip = "no native AVX-512 here: the generic lane loops run";
    }
}
