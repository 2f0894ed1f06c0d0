using System.Numerics;

namespace GpuInference.Estimation;

/// <summary>
/// The post-stratified difference in means (Miratrix, Sekhon &amp; Yu 2013): the difference of arm means within each
/// stratum, averaged with weights n_s / n.
/// <para>
/// The variance is the one estimatr::difference_in_means(y ~ z, blocks = strata) reports for a blocked design:
/// Σ_s (n_s/n)² (s²_1s/n_1s + s²_0s/n_0s), each stratum's Neyman (conservative) variance with sample variances,
/// and t with n − 2·(number of strata) degrees of freedom. This is not Miratrix et al.'s unconditional variance
/// (their eq. 7 adds terms of order 1/n² for the randomness of the arm sizes); it is what the paper's
/// estimates were computed with and what estimatr users compare to.
/// </para>
/// </summary>
public static class PostStratification
{
    /// <summary>
    /// The post-stratified effect of <paramref name="treated"/> on <paramref name="y"/>, stratum codes in
    /// <paramref name="strata"/> (non-negative; need not be contiguous).
    /// </summary>
    /// <exception cref="DegenerateDesignException">A stratum has fewer than two units in an arm.</exception>
    public static Estimate Estimate<T>(ReadOnlySpan<double> y, ReadOnlySpan<bool> treated, ReadOnlySpan<T> strata)
        where T : unmanaged, IBinaryInteger<T>
    {
        return Estimate(StratifiedArms.Gather(y, treated, [], strata));
    }

    /// <summary>The post-stratified effect from arms whose moments are already gathered.</summary>
    internal static Estimate Estimate(StratifiedArms arms)
    {
        (double effect, double variance) = Combine(arms);
        return Estimation.Estimate.FromT(effect, Math.Sqrt(variance), arms.Total - 2.0 * arms.StratumCount);
    }

    /// <summary>The weighted effect and its blocked Neyman variance.</summary>
    internal static (double Effect, double Variance) Combine(StratifiedArms arms)
    {
        double effect = 0, variance = 0;
        for (int s = 0; s < arms.Treated.Length; s++)
        {
            ArmMoments t = arms.Treated[s], c = arms.Control[s];
            if (t.Count + c.Count == 0) continue;
            double share = arms.Share(s);
            effect += share * (t.MeanY - c.MeanY);
            variance += share * share * (t.VarianceY / t.Count + c.VarianceY / c.Count);
        }
        return (effect, variance);
    }
}
