namespace GpuInference.Graph;

/// <summary>
/// The close-friend graph in compressed sparse rows over node indices (the order of the nodes table): row i lists
/// the close friends of i (64-bit offsets, 32-bit columns, sorted, without self-loops or duplicates).
/// </summary>
public sealed class CsrGraph
{
    public required int NodeCount { get; init; }

    /// <summary>NodeCount + 1 offsets into <see cref="Columns"/>.</summary>
    public required long[] RowOffsets { get; init; }

    /// <summary>The friend (dst) of each edge.</summary>
    public required int[] Columns { get; init; }

    /// <summary>Edge weights when the edges file had a weight column, else null.</summary>
    public float[]? Weights { get; init; }

    /// <summary>Self-loops dropped on load.</summary>
    public long SelfLoopsDropped { get; init; }

    /// <summary>Repeated (src, dst) pairs dropped on load.</summary>
    public long DuplicatesDropped { get; init; }

    /// <summary>Edges dropped because an end was not in the nodes file (<see cref="EdgeListOptions.DropUnknownIds"/>).</summary>
    public long UnknownDropped { get; init; }

    public long EdgeCount => Columns.LongLength;

    public int Degree(int node) => (int)(RowOffsets[node + 1] - RowOffsets[node]);
}
