using System.Runtime.Intrinsics.X86;
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
    /// <param name="nodes">The nodes.</param>
    /// <param name="graph">Their friend graph.</param>
    /// <param name="chunkSize">Units per chunk.</param>
    /// <param name="threads">Threads for copying the rows (0: all cores); the layout is the same for any count.</param>
    public static SpilloverProblem Build(NodeTable nodes, CsrGraph graph, int chunkSize = SpilloverProblem.DefaultChunkSize, int threads = 0)
    {
        if (graph.NodeCount != nodes.Count)
            throw new ArgumentException($"graph has {graph.NodeCount} nodes but the nodes table has {nodes.Count}.");

        int levels = Math.Max(1, nodes.Vote2010Levels.Length);
        long StratumKey(int node) => (long)graph.Degree(node) * levels + nodes.Vote2010[node];
        (int[] order, long[] keys) = UnitsByStratum(nodes, StratumKey);
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

        // A unit's degree is its stratum key's quotient, so the offsets and strata need no look-up by node.
        var rowOffsets = new long[unitCount + 1];
        for (int i = 0; i < unitCount; i++) rowOffsets[i + 1] = rowOffsets[i] + keys[i] / levels;
        var neighbors = new int[rowOffsets[unitCount]];
        var outcome = new double[unitCount];
        // Copied in node order: the edges are then read in sequence, and when friends have nearby node numbers (as in
        // most graphs, and in the simulator's clustered ones) so are the new numbers looked up for them. Each unit
        // writes only its own outcome and range of neighbours, so blocks of nodes run on every core, in any order,
        // with the same result.
        const int Block = 1 << 16;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, (nodes.Count + Block - 1) / Block, parallel, block =>
            CopyRows(block * Block, Math.Min(nodes.Count, (block + 1) * Block), unitCount, newIndex, graph, nodes.Outcome, rowOffsets, neighbors, outcome));
        var stratumStart = new List<int>();
        var labels = new List<string>();
        for (int i = 0; i < unitCount; i++)
        {
            if (i > 0 && keys[i] == keys[i - 1]) continue;
            stratumStart.Add(i);
            string level = nodes.Vote2010Levels.Length > 0 ? nodes.Vote2010Levels[keys[i] % levels] : "all";
            labels.Add($"friends={keys[i] / levels}, vote2010={level}");
        }
        stratumStart.Add(unitCount);
        return new SpilloverProblem(nodes.Count, rowOffsets, neighbors, cells, outcome, stratumStart.ToArray(), labels.ToArray(), chunkSize);
    }

    /// <summary>
    /// Copies the outcome and renumbered neighbours of the units among nodes [first, end). The look-ups of new
    /// numbers are random reads of a table larger than the cache; each is prefetched a few dozen edges ahead so that
    /// several misses are in flight at once.
    /// </summary>
    private static unsafe void CopyRows(
        int first, int end, int unitCount, int[] newIndex, CsrGraph graph, double[] nodeOutcome, long[] rowOffsets, int[] neighbors, double[] outcome)
    {
        const int Ahead = 32;
        long[] offsets = graph.RowOffsets;
        int[] columns = graph.Columns;
        long last = offsets[end];
        fixed (int* index = newIndex)
        {
            for (int node = first; node < end; node++)
            {
                int i = index[node];
                if (i >= unitCount) continue;
                outcome[i] = nodeOutcome[node];
                long at = rowOffsets[i];
                for (long e = offsets[node]; e < offsets[node + 1]; e++)
                {
                    if (Sse.IsSupported && e + Ahead < last) Sse.Prefetch0(index + columns[e + Ahead]);
                    neighbors[at++] = index[columns[e]];
                }
            }
        }
    }

    /// <summary>
    /// The analysis units sorted by stratum key, ties in node order, and their keys in that order. A counting sort when the keys span a range
    /// comparable to the unit count (always, for the paper's strata: degrees × a few levels), one pass each way;
    /// otherwise a comparison sort of the units.
    /// </summary>
    private static (int[] Order, long[] Keys) UnitsByStratum(NodeTable nodes, Func<int, long> stratumKey)
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
            var sorted = new long[unitCount];
            for (long key = 0; key <= maxKey; key++) sorted.AsSpan(next[key], next[key + 1] - next[key]).Fill(key);
            for (int node = 0; node < nodes.Count; node++)
            {
                if (nodes.IsUnit(node)) order[next[stratumKey(node)]++] = node; // in node order: stable
            }
            return (order, sorted);
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
        return (order, keys);
    }
}

/// <summary>The spillover regression cannot be fitted: a regressor has no variation within strata, or there are no units.</summary>
public sealed class DegenerateSpilloverDesignException(string message) : Exception(message);
