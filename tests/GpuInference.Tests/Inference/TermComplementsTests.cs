using GpuInference.Backends.Models;
using GpuInference.Inference.Models;
using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// Which terms the first pass sums in complement (<see cref="TermComplements"/>): the tests of the friends' count
/// whose indicator the baseline code sets and which most units pass under it; never a count, a share, a unit's own
/// value or a test of an indicator the baseline leaves clear.
/// </summary>
public sealed class TermComplementsTests
{
    private static readonly VillageData Data = VillageData.Create(people: 400, seed: 17);

    [Fact]
    public void TheTestsTheBaselinePassesAreComplementedAndNoOtherTerm()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + share(t) + any(t) + any(t==0) + atleast(t, 2) + atleast(t==0, 2) + atleast(t, 40) + t + x1 | village", "t");
        ModelProblem problem = ModelLayout.Build(model, new FixedPart(model), [.. model.Outcome], null, out _)!;
        // The baseline is the code most nodes hold: t = 1 or t = 0, whichever the sessions' draw made commoner.
        bool baselineTreated = problem.Indicators[problem.AtomIndicator[problem.TermAtoms[problem.TermStart[0]]]][problem.BaselineCode];
        int[] degrees = [.. Enumerable.Range(0, problem.UnitCount).Select(u => (int)(problem.RowOffsets[u + 1] - problem.RowOffsets[u]))];
        Assert.True(2 * degrees.Count(d => d >= 2) > degrees.Length, "most units have two friends or more");
        Assert.True(2 * degrees.Count(d => d >= 40) < degrees.Length, "few units have forty friends");
        bool[] expected = [false, false, baselineTreated, !baselineTreated, baselineTreated, !baselineTreated, false, false];
        Assert.Equal(expected, problem.ComplementedTerms);
    }
}
