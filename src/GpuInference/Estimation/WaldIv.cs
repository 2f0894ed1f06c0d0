using System.Numerics;

namespace GpuInference.Estimation;

/// <summary>
/// The Wald (instrumental-variable) estimator of the effect on compliers when only assigned units can receive the
/// treatment: in the experiment, only users assigned the banner could see it, and only if they logged in. The
/// intent-to-treat effect is then divided by the share of assigned units who received it, since the first stage
/// E[d | z = 0] is zero by design.
/// <para>
/// Standard error by the delta method on (ITT, c): Var(ITT/c) ≈ Var(ITT)/c² + ITT²·Var(c)/c⁴ − 2·ITT·Cov(ITT, c)/c³,
/// with Var(ITT) the post-stratified blocked variance, Var(c) = s²_d/n₁ among the assigned, and
/// Cov(ITT, c) = Σ_s (n_s/n)·ĉov_s(y, d | z = 1)/n₁, because c and stratum s's treated mean share the same assigned
/// units and the control means do not involve d. Without strata these are exactly the HC2 sandwich covariances of
/// the stacked regressions y ~ z and d ~ z. Intervals for c and the LATE use the normal reference: the delta
/// method is a large-sample approximation with no exact degrees of freedom.
/// </para>
/// </summary>
public static class WaldIv
{
    /// <summary>The Wald estimate without strata.</summary>
    public static WaldIvResult Estimate(ReadOnlySpan<double> y, ReadOnlySpan<bool> assigned, ReadOnlySpan<bool> received)
        => Estimate(y, assigned, received, new byte[y.Length]);

    /// <summary>
    /// The Wald estimate with the intent-to-treat effect post-stratified on <paramref name="strata"/>, and the
    /// compliance rate over all assigned units (as the paper rescales its post-stratified ITT).
    /// </summary>
    /// <exception cref="ArgumentException">A unit that was not assigned received the treatment.</exception>
    /// <exception cref="DegenerateDesignException">No assigned unit received the treatment, or a stratum lacks two units in an arm.</exception>
    public static WaldIvResult Estimate<T>(ReadOnlySpan<double> y, ReadOnlySpan<bool> assigned, ReadOnlySpan<bool> received, ReadOnlySpan<T> strata)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (assigned.Length != y.Length) throw new ArgumentException($"assigned has {assigned.Length} rows, the outcome {y.Length}", nameof(assigned));
        if (received.Length != y.Length) throw new ArgumentException($"received has {received.Length} rows, the outcome {y.Length}", nameof(received));
        var dose = new double[received.Length];
        for (int i = 0; i < dose.Length; i++)
        {
            if (received[i] && !assigned[i])
                throw new ArgumentException($"unit {i} received the treatment without being assigned it; the Wald ratio here assumes one-sided noncompliance", nameof(received));
            dose[i] = received[i] ? 1 : 0;
        }
        StratifiedArms arms = StratifiedArms.Gather(y, assigned, dose, strata);
        (double itt, double ittVariance) = PostStratification.Combine(arms);

        // Pool the assigned arm across strata (Chan's parallel combination) for the compliance rate and its variance.
        long assignedCount = 0;
        double rate = 0, squares = 0, covariance = 0;
        for (int s = 0; s < arms.Treated.Length; s++)
        {
            ArmMoments t = arms.Treated[s];
            if (t.Count == 0) continue;
            long combined = assignedCount + t.Count;
            double delta = t.MeanD - rate;
            squares += t.SquaresD + delta * delta * assignedCount * t.Count / combined;
            rate += delta * t.Count / combined;
            assignedCount = combined;
        }
        for (int s = 0; s < arms.Treated.Length; s++)
        {
            ArmMoments t = arms.Treated[s];
            if (t.Count + arms.Control[s].Count == 0) continue;
            covariance += arms.Share(s) * t.CovarianceYD / assignedCount;
        }
        if (!(rate > 0)) throw new DegenerateDesignException("received", "no assigned unit received the treatment, so the Wald ratio is undefined");
        double rateVariance = squares / (assignedCount - 1) / assignedCount;

        double late = itt / rate;
        double lateVariance = ittVariance / (rate * rate)
            + itt * itt * rateVariance / (rate * rate * rate * rate)
            - 2 * itt * covariance / (rate * rate * rate);
        return new WaldIvResult(
            Estimation.Estimate.FromT(itt, Math.Sqrt(ittVariance), arms.Total - 2.0 * arms.StratumCount),
            Estimation.Estimate.FromNormal(rate, Math.Sqrt(rateVariance)),
            Estimation.Estimate.FromNormal(late, Math.Sqrt(lateVariance)),
            covariance);
    }
}
