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
        long StratumKey(int node) => (long)graph.Degree(node) * levels + nodes.Vote2010[node];
        int[] order = UnitsByStratum(nodes, StratumKey);
        if (order.Length == 0) throw new DegenerateSpilloverDesignException("no analysis units: every outcome is empty.");

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
        // Each unit writes only its own range of neighbours, so the blocks can run in any order on any thread.
        const int Block = 1 << 16;
        Parallel.For(0, (unitCount + Block - 1) / Block, block =>
        {
            int end = Math.Min(unitCount, (block + 1) * Block);
            for (int i = block * Block; i < end; i++)
            {
                int node = order[i];
                long from = graph.RowOffsets[node], to = graph.RowOffsets[node + 1];
                long at = rowOffsets[i];
                for (long e = from; e < to; e++) neighbors[at++] = newIndex[graph.Columns[e]];
            }
        });
        var outcome = new double[unitCount];
        var stratumStart = new List<int>();
        var labels = new List<string>();
        long previousKey = -1;
        for (int i = 0; i < unitCount; i++)
        {
            int node = order[i];
            outcome[i] = nodes.Outcome[node];
            long key = StratumKey(node);
            if (i == 0 || key != previousKey)
            {
                previousKey = key;
                stratumStart.Add(i);
                string level = nodes.Vote2010Levels.Length > 0 ? nodes.Vote2010Levels[nodes.Vote2010[node]] : "all";
                labels.Add($"friends={graph.Degree(node)}, vote2010={level}");
            }
        }
        stratumStart.Add(unitCount);
        return new SpilloverProblem(nodes.Count, rowOffsets, neighbors, cells, outcome, stratumStart.ToArray(), labels.ToArray(), chunkSize);
    }

    /// <summary>
    /// The analysis units sorted by stratum key, ties in node order. A counting sort when the keys span a range
    /// comparable to the unit count (always, for the paper's strata: degrees × a few levels), one pass each way;
    /// otherwise a comparison sort of the units.
    /// </summary>
    private static int[] UnitsByStratum(NodeTable nodes, Func<int, long> stratumKey)
    {
        int unitCount = 0;
        long maxKey = 0;
        for (int node = 0; node < nodes.Count; node++)
        {
            if (!nodes.IsUnit(node)) continue;
            unitCount++;
            maxKey = Math.Max(maxKey, stratumKey(node));
        }
        var order = new int[unitCount];
        if (maxKey < Math.Max(4L * unitCount, 1 << 16))
        {
            var next = new int[maxKey + 2];
            for (int node = 0; node < nodes.Count; node++)
            {
                if (nodes.IsUnit(node)) next[stratumKey(node) + 1]++;
            }
            for (long key = 1; key < next.Length; key++) next[key] += next[key - 1];
            for (int node = 0; node < nodes.Count; node++)
            {
                if (nodes.IsUnit(node)) order[next[stratumKey(node)]++] = node; // in node order: stable
            }
            return order;
        }
        var keys = new long[unitCount];
        int at = 0;
        for (int node = 0; node < nodes.Count; node++)
        {
            if (!nodes.IsUnit(node)) continue;
            order[at] = node;
            keys[at++] = stratumKey(node);
        }
        Array.Sort(keys, order);
        // Array.Sort is not stable: restore node order within each run of equal keys.
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                Array.Sort(order, start, i - start);
                start = i;
            }
        }
        return order;
    }
}

/// <summary>The spillover regression cannot be fitted: a regressor has no variation within strata, or there are no units.</summary>
public sealed class DegenerateSpilloverDesignException(string message) : Exception(message);
