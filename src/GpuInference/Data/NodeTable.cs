
namespace GpuInference.Data;

/// <summary>
/// The nodes CSV as columns: one entry per node, in file order. The data loader fills it; the design layer reads it.
/// </summary>
public sealed class NodeTable
{
    public required int Count { get; init; }

    /// <summary>Each node's cell of the 2×2 design.</summary>
    public required TreatmentCell[] Cells { get; init; }

    /// <summary>The outcome; NaN where the cell was empty (the node is in the graph but not an analysis unit).</summary>
    public required double[] Outcome { get; init; }

    /// <summary>Code of each node's vote2010 level: an index into <see cref="Vote2010Levels"/>.</summary>
    public required byte[] Vote2010 { get; init; }

    /// <summary>The distinct vote2010 values, in order of first appearance.</summary>
    public required string[] Vote2010Levels { get; init; }

    /// <summary>Whether each node logged in (0/1), or null when the column is absent.</summary>
    public byte[]? LoggedIn { get; init; }

    /// <summary>The node ids as written in the files, and the lookup from id text to node index; null when the
    /// table was built in memory without ids.</summary>
    public NodeIdIndex? Ids { get; init; }

    /// <summary>The file the table was read from, for messages.</summary>
    public string Source { get; init; } = "";

    public bool IsUnit(int node) => !double.IsNaN(Outcome[node]);
}
