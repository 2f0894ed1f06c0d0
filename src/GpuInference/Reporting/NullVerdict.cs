using GpuInference.Inference;

namespace GpuInference.Reporting;

/// <summary>Where an observed statistic falls in its permutation null, in words, for the readable reports.</summary>
internal static class NullVerdict
{
    /// <summary>"falls outside the central 99% of the null distribution", and the like.</summary>
    public static string Describe(double observed, NullDistribution n) =>
        !double.IsFinite(observed) ? "could not be estimated"
        : observed < n.Q005 || observed > n.Q995 ? "falls outside the central 99% of the null distribution"
        : observed < n.Q025 || observed > n.Q975 ? "falls outside the central 95% but inside the central 99% of the null distribution"
        : "falls well inside the null distribution";
}
