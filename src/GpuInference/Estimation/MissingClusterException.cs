namespace GpuInference.Estimation;

/// <summary>An observation has no value in the cluster variable of a cluster-robust covariance.</summary>
public sealed class MissingClusterException(string clusterName, int row)
    : ArgumentException($"row {row} has no value in the cluster variable '{clusterName}'")
{
    /// <summary>The cluster variable's name.</summary>
    public string ClusterName { get; } = clusterName;

    /// <summary>The observation's index, counted from 0.</summary>
    public int Row { get; } = row;
}
