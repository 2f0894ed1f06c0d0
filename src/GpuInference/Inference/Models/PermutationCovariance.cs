namespace GpuInference.Inference.Models;

/// <summary>
/// The covariance used inside every permutation for studentized and Wald statistics. HC0–HC3 and the cluster-robust
/// CR0/CR1 all follow from the moving columns' residuals on the fixed part (Frisch–Waugh–Lovell): a unit's leverage
/// in the full model is its leverage in the fixed part plus that of its residualised moving columns.
/// </summary>
public sealed record PermutationCovariance(string Type, int[]? Clusters = null, int ClusterCount = 0, string? ClusterColumn = null)
{
    public static PermutationCovariance Heteroskedastic(string type) =>
        type is "Classical" or "HC0" or "HC1" or "HC2" or "HC3" ? new(type) : throw new ArgumentOutOfRangeException(nameof(type), type, "not a heteroskedasticity-consistent type");

    public bool IsClustered => Clusters is not null;

    /// <summary>As the report writes it: "HC1", or "CR1:village".</summary>
    public string Label => IsClustered ? $"{Type}:{ClusterColumn}" : Type;
}
