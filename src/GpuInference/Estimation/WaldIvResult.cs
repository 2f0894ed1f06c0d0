namespace GpuInference.Estimation;

/// <summary>
/// The pieces of a Wald instrumental-variable estimate under one-sided noncompliance.
/// </summary>
/// <param name="Itt">The post-stratified intent-to-treat effect on the outcome (t-based, as <see cref="PostStratification"/>).</param>
/// <param name="ComplianceRate">The share of assigned units that received the treatment (normal-based).</param>
/// <param name="Late">The local average treatment effect Itt / ComplianceRate with its delta-method standard error (normal-based).</param>
/// <param name="IttComplianceCovariance">The estimated covariance of the two estimates, used by the delta method.</param>
public readonly record struct WaldIvResult(Estimate Itt, Estimate ComplianceRate, Estimate Late, double IttComplianceCovariance);
