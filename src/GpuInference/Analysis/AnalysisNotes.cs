using GpuInference.Design;
using GpuInference.Graph;

namespace GpuInference.Analysis;

/// <summary>
/// The report's notes: each thing the analysis did on its own that changes how its numbers read, so that nothing
/// is done silently.
/// </summary>
public static class AnalysisNotes
{
    /// <summary>The notes for one run, in a fixed order; empty when there is nothing to say.</summary>
    public static IReadOnlyList<string> For(SpilloverProblem problem, CsrGraph graph, IReadOnlyList<EffectEstimate> direct)
    {
        var notes = new List<string>();
        long friendless = 0;
        for (int unit = 0; unit < problem.UnitCount; unit++)
        {
            if (problem.RowOffsets[unit + 1] == problem.RowOffsets[unit]) friendless++;
        }
        if (friendless > 0)
        {
            notes.Add($"{Count(friendless, "unit has", "units have")} no close friend. They are kept in the spillover regression, " +
                "in the strata of 0 close friends, where both exposures are 0: they inform the own-treatment coefficients and the stratum means, not the spillover slopes.");
        }
        int singletons = 0;
        for (int s = 0; s < problem.StratumCount; s++) singletons += problem.StratumSize(s) == 1 ? 1 : 0;
        if (singletons > 0)
        {
            notes.Add($"{Count(singletons, "stratum holds", "strata hold")} a single unit. Such a unit is fitted exactly by its stratum's " +
                "fixed effect and adds nothing to the spillover estimates, but it is kept, and its stratum is counted in the degrees of freedom " +
                "of the model-based standard errors, as every fixed effect is.");
        }
        if (graph.Weights is not null)
        {
            notes.Add("The edges file has a weight column. It was read and checked (finite, not negative) but not used: " +
                "the exposures count every close friend once, as in the paper.");
        }
        foreach (EffectEstimate effect in direct)
        {
            if (!effect.IsEstimable) notes.Add($"{DirectEffectNames.Label(effect.Name)}: not estimable ({effect.NotEstimableReason}).");
        }
        return notes;
    }

    /// <summary>"1 unit has" or "1,234 units have".</summary>
    private static string Count(long count, string one, string many) =>
        count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
