using GpuInference.Inference;

namespace GpuInference.Analysis;

/// <summary>
/// One spillover coefficient with its permutation test: the change in turnout per additional close friend in a
/// treatment arm (the paper's Fig 3), observed under the real assignment and under B random reassignments.
/// </summary>
/// <param name="Name">Machine name and JSON key: <c>banner</c> or <c>feed</c>.</param>
/// <param name="Null">Observed value, null draws and their summary.</param>
/// <param name="StandardError">Model-based standard error of the observed coefficient, if the estimation layer gives one; NaN otherwise.</param>
public sealed record SpilloverStatistic(string Name, NullDistribution Null, double StandardError = double.NaN)
{
    /// <summary>The coefficient under the observed assignment.</summary>
    public double Estimate => Null.Observed;
}
