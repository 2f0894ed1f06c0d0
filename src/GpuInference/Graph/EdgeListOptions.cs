namespace GpuInference.Graph;

/// <summary>Column names of the edges CSV: <c>src,dst</c> (dst is a close friend of src) and an optional <c>weight</c>.</summary>
public sealed record EdgeListOptions
{
    /// <summary>The person whose close friend is named.</summary>
    public string SourceColumn { get; init; } = "src";

    /// <summary>The close friend.</summary>
    public string TargetColumn { get; init; } = "dst";

    /// <summary>Optional real weight; read and kept when present in the header.</summary>
    public string WeightColumn { get; init; } = "weight";

    /// <summary>
    /// Drop (and count) edges that name an id missing from the nodes file, as real nomination data does when friends
    /// outside the sample are named; false (the default) makes such an edge a file:line:column error.
    /// </summary>
    public bool DropUnknownIds { get; init; }
}
