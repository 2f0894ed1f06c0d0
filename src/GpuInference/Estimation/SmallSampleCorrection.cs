namespace GpuInference.Estimation;

/// <summary>How absorbed fixed effects count in K, the number of parameters of (n − 1)/(n − K); fixest's fixef.K.</summary>
public enum FixefK
{
    /// <summary>"none": fixed effects do not count; K is the number of design columns.</summary>
    None,

    /// <summary>"full": every fixed-effect group counts; K = design columns + groups (estimatr's "stata" type).</summary>
    Full,

    /// <summary>
    /// "nested" (fixest's and Stata's default): groups that each lie within one cluster do not count, because their
    /// dummies are constant within clusters and the cluster sums already absorb them; only the one parameter they
    /// stand in for, the intercept, is counted. Groups that cross clusters count as under <see cref="Full"/>.
    /// </summary>
    Nested,
}

/// <summary>
/// The small-sample rule of the CR1 covariance, as data, in the terms of fixest's ssc(): CR1 = CR0 ·
/// (ClusterAdj ? G/(G − 1) : 1) · (Adj ? (n − 1)/(n − K) : 1), with K counted by <see cref="FixefK"/>. The default,
/// <see cref="Fixest"/>, is ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE): Stata's and fixest's CR1.
/// </summary>
/// <param name="Adj">Whether to apply (n − 1)/(n − K).</param>
/// <param name="FixefK">How absorbed fixed effects count in K.</param>
/// <param name="ClusterAdj">Whether to apply G/(G − 1).</param>
public sealed record SmallSampleCorrection(bool Adj, FixefK FixefK, bool ClusterAdj)
{
    /// <summary>fixest's default ssc() and Stata's: fixed effects nested in the clusters do not count in K.</summary>
    public static SmallSampleCorrection Fixest { get; } = new(Adj: true, FixefK.Nested, ClusterAdj: true);

    /// <summary>
    /// estimatr's lm_robust(se_type = "stata") and sandwich's vcovCL(type = "HC1") on the dummy-variable regression:
    /// every fixed-effect group counts in K. Equal to <see cref="Fixest"/> unless fixed effects nest in the clusters.
    /// </summary>
    public static SmallSampleCorrection Full { get; } = new(Adj: true, FixefK.Full, ClusterAdj: true);

    /// <summary>
    /// K for a design of <paramref name="designColumns"/> columns and <paramref name="fixedEffectGroups"/> absorbed
    /// groups (0 without fixed effects), of which <paramref name="nestedInClusters"/> says whether all lie within clusters.
    /// </summary>
    public int ParameterCount(int designColumns, int fixedEffectGroups, bool nestedInClusters)
    {
        if (fixedEffectGroups == 0) return designColumns;
        return FixefK switch
        {
            FixefK.None => designColumns,
            FixefK.Full => designColumns + fixedEffectGroups,
            // fixest: "all FEs are removed, we add 1 for the intercept".
            FixefK.Nested => designColumns + (nestedInClusters ? 1 : fixedEffectGroups),
            _ => throw new ArgumentOutOfRangeException(nameof(FixefK), FixefK, null),
        };
    }

    /// <summary>The factor CR1 multiplies CR0 by, for n observations, K parameters and G clusters.</summary>
    public double Factor(int observations, int parameters, int clusters)
    {
        double factor = 1;
        if (ClusterAdj) factor *= (double)clusters / (clusters - 1);
        if (Adj) factor *= (observations - 1.0) / (observations - parameters);
        return factor;
    }
}
