namespace GpuInference.Analysis;

/// <summary>
/// One direct-effect estimate as the report shows it, in outcome units (0.0024 is a 0.24 percentage-point rise in
/// turnout). Kept apart from the estimation layer's own types so that the report depends on nothing but numbers.
/// </summary>
/// <param name="Name">Machine name and JSON key, e.g. <c>both_vs_neither</c>; see <see cref="DirectEffectNames"/>.</param>
/// <param name="Estimate">Point estimate.</param>
/// <param name="StandardError">Standard error (heteroskedasticity-robust where the model is a regression).</param>
/// <param name="CiLow">Lower end of the 95% confidence interval.</param>
/// <param name="CiHigh">Upper end of the 95% confidence interval.</param>
/// <param name="P">Two-sided p-value.</param>
/// <param name="N">Units the estimate uses.</param>
/// <param name="Note">Optional remark shown beside the estimate (e.g. what a stratum is, or why a value is missing).</param>
public sealed record EffectEstimate(
    string Name, double Estimate, double StandardError, double CiLow, double CiHigh, double P, long N, string? Note = null)
{
    /// <summary>Why the estimate could not be made (its numbers are then NaN), or null when it was made.</summary>
    public string? NotEstimableReason { get; init; }

    /// <summary>False when the data could not give this estimate; the rest of the report stands.</summary>
    public bool IsEstimable => NotEstimableReason is null;

    /// <summary>An optional estimate the data cannot give, kept in the report with the reason rather than dropped.</summary>
    public static EffectEstimate NotEstimable(string name, long n, string reason) =>
        new(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, n) { NotEstimableReason = reason };
}
