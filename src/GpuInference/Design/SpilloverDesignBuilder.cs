using GpuInference.Data;
using GpuInference.Graph;

namespace GpuInference.Design;

/// <summary>
/// Turns the loaded experiment into the kernel layout of <see cref="SpilloverProblem"/>: strata are
/// (number of close friends) × vote2010, as in the paper; units are sorted by stratum (then by their order in the
/// nodes file, so the layout is a function of the input alone) and renumbered to come first.
/// </summary>
public static class SpilloverDesignBuilder
{
    public static SpilloverProblem Build(NodeTable nodes, CsrGraph graph, int chunkSize = SpilloverProblem.DefaultChunkSize)
    {
        if (graph.NodeCount != nodes.Count)
            throw new ArgumentException($"graph has {graph.NodeCount} nodes but the nodes table has {nodes.Count}.");

        int levels = Math.Max(1, nodes.Vote2010Levels.Length);
        var units = new List<int>();
        for (int node = 0; node < nodes.Count; node++)
        {
            if (nodes.IsUnit(node)) units.Add(node);
        }
        if (units.Count == 0) throw new DegenerateSpilloverDesignException("no analysis units: every outcome is empty.");

        long StratumKey(int node) => (long)graph.Degree(node) * levels + nodes.Vote2010[node];
        int[] order = units.ToArray();
        long[] keys = order.Select(StratumKey).ToArray();
        // Array.Sort is not stable; ties are broken by node index, which `order` already is ascending in.
        Array.Sort(keys, order, Comparer<long>.Create((a, b) => a.CompareTo(b)));
        StableByNodeWithinEqualKeys(keys, order);

        int unitCount = order.Length;
        var newIndex = new int[nodes.Count];
        Array.Fill(newIndex, -1);
        for (int i = 0; i < unitCount; i++) newIndex[order[i]] = i;
        int next = unitCount;
        for (int node = 0; node < nodes.Count; node++)
        {
            if (newIndex[node] < 0) newIndex[node] = next++;
        }

        var cells = new TreatmentCell[nodes.Count];
        for (int node = 0; node < nodes.Count; node++) cells[newIndex[node]] = nodes.Cells[node];

        var rowOffsets = new long[unitCount + 1];
        for (int i = 0; i < unitCount; i++) rowOffsets[i + 1] = rowOffsets[i] + graph.Degree(order[i]);
        var neighbors = new int[rowOffsets[unitCount]];
        var outcome = new double[unitCount];
        var stratumStart = new List<int>();
        var labels = new List<string>();
        for (int i = 0; i < unitCount; i++)
        {
            int node = order[i];
            outcome[i] = nodes.Outcome[node];
            long from = graph.RowOffsets[node], to = graph.RowOffsets[node + 1];
            long at = rowOffsets[i];
            for (long e = from; e < to; e++) neighbors[at++] = newIndex[graph.Columns[e]];
            if (i == 0 || keys[i] != keys[i - 1])
            {
                stratumStart.Add(i);
                string level = nodes.Vote2010Levels.Length > 0 ? nodes.Vote2010Levels[nodes.Vote2010[node]] : "all";
                labels.Add($"friends={graph.Degree(node)}, vote2010={level}");
            }
        }
        stratumStart.Add(unitCount);
        return new SpilloverProblem(nodes.Count, rowOffsets, neighbors, cells, outcome, stratumStart.ToArray(), labels.ToArray(), chunkSize);
    }

    private static void StableByNodeWithinEqualKeys(long[] keys, int[] order)
    {
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                Array.Sort(order, start, i - start);
                start = i;
            }
        }
    }
}

/// <summary>The spillover regression cannot be fitted: a regressor has no variation within strata, or there are no units.</summary>
public sealed class DegenerateSpilloverDesignException(string message) : Exception(message);
