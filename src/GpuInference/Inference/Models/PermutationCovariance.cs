namespace GpuInference.Inference.Models;

/// <summary>
/// The covariance used inside every permutation for studentized and Wald statistics. HC0–HC3 and the cluster-robust
/// CR0/CR1 all follow from the moving columns' residuals on the fixed part (Frisch–Waugh–Lovell): a unit's leverage
/// in the full model is its leverage in the fixed part plus that of its residualised moving columns.
/// </summary>
/// <param name="Type">Classical, HC0–HC3, CR0 or CR1.</param>
/// <param name="Clusters">The cluster of each unit (CR types).</param>
/// <param name="ClusterCount">Clusters.</param>
/// <param name="ClusterColumn">The column they come from, for labels.</param>
/// <param name="FixedEffectsNestedInClusters">
/// Whether every fixed-effect group lies inside one cluster: then, as fixest counts (<c>fixef.K = "nested"</c>), the
/// absorbed effects count as one parameter in CR1's (n − 1)/(n − K), not one per group.
/// </param>
public sealed record PermutationCovariance(
    string Type, int[]? Clusters = null, int ClusterCount = 0, string? ClusterColumn = null, bool FixedEffectsNestedInClusters = false)
{
    public static PermutationCovariance Heteroskedastic(string type) =>
        type is "Classical" or "HC0" or "HC1" or "HC2" or "HC3" ? new(type) : throw new ArgumentOutOfRangeException(nameof(type), type, "not a heteroskedasticity-consistent type");

    public bool IsClustered => Clusters is not null;

    /// <summary>As the report writes it: "HC1", or "CR1:village".</summary>
    public string Label => IsClustered ? $"{Type}:{ClusterColumn}" : Type;
}
