using GpuInference.Kernels.Exposures;

namespace GpuInference.Backends.Models;

/// <summary>
/// The 0/1 terms whose Σ m ỹ and Σ q mᵀ the first pass takes in complement: a test of the friends' count (any, at
/// least k) that holds for most units under the baseline code. For such a term the backends write Σ (1 − m) ỹ and
/// Σ q (1 − m) into its R and C slots, and the fit takes Σ m ỹ = Σ ỹ − Σ (1 − m) ỹ, likewise for each q.
/// <para>
/// 1 − m is exactly 0 or 1, and 1 only for a unit none (or too few) of whose friends hold the indicator in that
/// permutation: where the baseline sets it, that is rare outside units with too few friends. So the managed backend
/// adds ỹ and q only in those lanes and skips most units whole, while the device kernels multiply and add every unit
/// as before. Both get the same bits: (1 − m) · ỹ is ỹ or ±0, and adding ±0 leaves a sum that started at +0 as it was.
/// </para>
/// <para>
/// Decided by the laid-out model alone (the baseline code and the units' friend counts), so every backend sums the
/// same terms in complement. Σ ỹ and Σ q are near 0 (the fixed part holds the intercept or the fixed effects), so the
/// subtraction loses nothing to cancellation.
/// </para>
/// </summary>
public static class TermComplements
{
    /// <summary>Per term of <paramref name="problem"/>: whether its R and C slots hold the complement's sums.</summary>
    public static bool[] Of(ModelProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var complemented = new bool[problem.TermCount];
        for (int t = 0; t < problem.TermCount; t++) complemented[t] = Complements(problem, t);
        return complemented;
    }

    private static bool Complements(ModelProblem problem, int t)
    {
        if (t >= problem.ExactTerms.Length || !problem.ExactTerms[t] || problem.HostSummedTerms[t]) return false;
        if (problem.TermStart[t + 1] - problem.TermStart[t] != 1 || problem.TermFixedFactor[t] >= 0) return false;
        int atom = problem.TermAtoms[problem.TermStart[t]];
        int kind = problem.AtomKind[atom];
        if (kind is not (ExposureCodes.Any or ExposureCodes.AtLeast)) return false;
        for (int g = 0; g < problem.GroupCount; g++)
        {
            if (problem.Shift[g * problem.TermCount + t] != 0) return false; // 1 − m is then not 0 or 1
        }
        bool[] indicator = problem.Indicators[problem.AtomIndicator[atom]];
        if (problem.BaselineCode >= indicator.Length || !indicator[problem.BaselineCode]) return false;
        // Under the baseline every friend holds the indicator: the test holds where a unit has enough friends.
        int threshold = kind == ExposureCodes.Any ? 1 : problem.AtomParameter[atom];
        long holds = 0;
        for (int u = 0; u < problem.UnitCount; u++)
        {
            if (problem.RowOffsets[u + 1] - problem.RowOffsets[u] >= threshold) holds++;
        }
        return 2 * holds > problem.UnitCount;
    }
}
