using GpuInference.Data;

namespace GpuInference.Design;

/// <summary>
/// The nodes outside the design's most common cell, and how each differs from it.
/// <para>
/// A permuted assignment gives position j the cell of node π(j). When one cell holds most nodes (96% got both
/// banner and feed in the paper's design), the same assignment is "the majority cell everywhere", corrected at the
/// positions π⁻¹(k) of the few minority nodes k. That needs one inverse bijection per minority node instead of one
/// bijection per position: 25 times fewer at the paper's shares, for the identical result.
/// </para>
/// </summary>
public sealed class CellMinority
{
    /// <summary>
    /// Correcting pays while at most this share of nodes is outside the majority cell. A correction is a random
    /// read-modify-write of a node's words where gathering is a random read of a byte, so it costs about twice as
    /// much per node; a balanced 2×2 design (75% outside any one cell) gathers.
    /// </summary>
    public const double CorrectionShareLimit = 0.25;

    private CellMinority(TreatmentCell majority, uint[] nodes, byte[] flips, int nodeCount)
    {
        Majority = majority;
        Nodes = nodes;
        Flips = flips;
        NodeCount = nodeCount;
    }

    /// <summary>The most common cell (the lowest-numbered one on a tie).</summary>
    public TreatmentCell Majority { get; }

    /// <summary>The nodes in any other cell, ascending.</summary>
    public uint[] Nodes { get; }

    /// <summary>Per minority node, its cell XOR the majority: bit 0 set when its banner differs, bit 1 when its feed does.</summary>
    public byte[] Flips { get; }

    /// <summary>All nodes of the design.</summary>
    public int NodeCount { get; }

    /// <summary>Whether correcting the majority assignment is expected to beat gathering every position's cell.</summary>
    public bool CorrectionPays => Nodes.Length <= CorrectionShareLimit * NodeCount;

    /// <summary>Finds the majority cell of <paramref name="cells"/> and lists the nodes outside it.</summary>
    public static CellMinority Of(ReadOnlySpan<TreatmentCell> cells)
    {
        Span<int> counts = stackalloc int[4];
        foreach (TreatmentCell cell in cells) counts[(int)cell & 3]++;
        int majority = 0;
        for (int c = 1; c < 4; c++)
        {
            if (counts[c] > counts[majority]) majority = c;
        }
        var nodes = new uint[cells.Length - counts[majority]];
        var flips = new byte[nodes.Length];
        int next = 0;
        for (int k = 0; k < cells.Length; k++)
        {
            int flip = ((int)cells[k] & 3) ^ majority;
            if (flip == 0) continue;
            nodes[next] = (uint)k;
            flips[next++] = (byte)flip;
        }
        return new CellMinority((TreatmentCell)majority, nodes, flips, cells.Length);
    }
}
