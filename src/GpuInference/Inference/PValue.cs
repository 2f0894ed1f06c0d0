namespace GpuInference.Inference;

/// <summary>
/// A permutation p-value with what it was made from, so that a reader can judge it: the count of permutations at
/// least as extreme as the observed statistic, the number of valid permutations B, the value (1 + count) / (1 + B),
/// and a Clopper–Pearson interval for count / B as its Monte Carlo error.
/// <para>
/// The "+1" counts the observed assignment as one of the possible assignments; it keeps the test valid
/// (P(p ≤ α) ≤ α under the null) for any B and means a p-value is never 0: with B = 1000 the smallest is 1/1001.
/// </para>
/// </summary>
/// <param name="Value">(1 + Count) / (1 + Permutations); NaN when the observed statistic is NaN or B is 0.</param>
/// <param name="Count">Permutations whose statistic is at least as extreme as the observed one.</param>
/// <param name="Permutations">Valid permutations B (degenerate ones, whose statistic is NaN, are not counted).</param>
/// <param name="Interval">Clopper–Pearson 95% interval for the exceedance probability Count / B.</param>
public readonly record struct PValue(double Value, long Count, long Permutations, PValueInterval Interval)
{
    /// <summary>A p-value that could not be computed: the observed statistic was NaN, or no permutation was valid.</summary>
    public static PValue Unknown(long permutations) => new(double.NaN, 0, permutations, PValueInterval.Unknown());

    /// <summary>Builds the p-value (1 + count) / (1 + permutations) and its Monte Carlo interval.</summary>
    public static PValue FromCount(long count, long permutations, double level = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permutations);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, permutations);
        return new PValue(
            (1.0 + count) / (1.0 + permutations), count, permutations,
            PValueInterval.ClopperPearson(count, permutations, level));
    }
}
