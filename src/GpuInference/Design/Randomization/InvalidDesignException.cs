namespace GpuInference.Design.Randomization;

/// <summary>What makes a declared design impossible to randomize.</summary>
public enum DesignProblem
{
    /// <summary>The permuted code differs between two units of one cluster, so the cluster cannot move as a whole.</summary>
    CodeVariesWithinCluster,

    /// <summary>One cluster has units in two blocks, so it cannot be permuted within a block.</summary>
    ClusterSpansBlocks,
}

/// <summary>
/// A design that cannot be randomized as declared. It names the cluster and two of its units (0-based unit indices,
/// which the caller turns into file lines), with the two conflicting values: codes for
/// <see cref="DesignProblem.CodeVariesWithinCluster"/>, block ids for <see cref="DesignProblem.ClusterSpansBlocks"/>.
/// </summary>
public sealed class InvalidDesignException : Exception
{
    /// <summary>Builds the exception and its one-line message.</summary>
    public InvalidDesignException(DesignProblem problem, int cluster, int firstUnit, int firstValue, int secondUnit, int secondValue)
        : base(Format(problem, cluster, firstUnit, firstValue, secondUnit, secondValue))
    {
        Problem = problem;
        Cluster = cluster;
        FirstUnit = firstUnit;
        FirstValue = firstValue;
        SecondUnit = secondUnit;
        SecondValue = secondValue;
    }

    /// <summary>What is wrong.</summary>
    public DesignProblem Problem { get; }

    /// <summary>The cluster id, as given in the clusters column.</summary>
    public int Cluster { get; }

    /// <summary>The first unit of the cluster (0-based), which has <see cref="FirstValue"/>.</summary>
    public int FirstUnit { get; }

    /// <summary>The code or block id of <see cref="FirstUnit"/>.</summary>
    public int FirstValue { get; }

    /// <summary>The first unit of the cluster (0-based) whose value differs from <see cref="FirstUnit"/>'s.</summary>
    public int SecondUnit { get; }

    /// <summary>The code or block id of <see cref="SecondUnit"/>.</summary>
    public int SecondValue { get; }

    private static string Format(DesignProblem problem, int cluster, int firstUnit, int firstValue, int secondUnit, int secondValue)
        => problem switch
        {
            DesignProblem.CodeVariesWithinCluster =>
                $"cluster {cluster}: the permuted columns vary within the cluster (unit {firstUnit} has code {firstValue}, "
                + $"unit {secondUnit} has code {secondValue}); a clustered design moves whole clusters",
            _ =>
                $"cluster {cluster} spans blocks {firstValue} and {secondValue} (unit {firstUnit} is in block {firstValue}, "
                + $"unit {secondUnit} in block {secondValue}); clusters must nest in blocks",
        };
}
