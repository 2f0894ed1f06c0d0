namespace GpuInference.Graph;

/// <summary>
/// Turns an edge list over node indices into a <see cref="CsrGraph"/>: a counting sort by source (stable, so file
/// order survives within a row), then each row sorted by target with self-loops and repeated pairs dropped and
/// counted. A repeated pair keeps the weight of its first occurrence. Memory beyond the inputs is the CSR itself
/// plus one offset array, which is what keeps a 75M-edge graph well inside a few GiB.
/// </summary>
public static class CsrGraphBuilder
{
    private const int RowsPerTask = 1 << 14;

    /// <summary>Builds the graph over <paramref name="nodeCount"/> nodes; <paramref name="weights"/> is empty or one per edge.</summary>
    public static CsrGraph Build(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        if (sources.Length != targets.Length) throw new ArgumentException("sources and targets differ in length.", nameof(targets));
        bool weighted = !weights.IsEmpty;
        if (weighted && weights.Length != sources.Length) throw new ArgumentException("one weight per edge.", nameof(weights));

        var offsets = new long[nodeCount + 1];
        long selfLoops = 0;
        for (int e = 0; e < sources.Length; e++)
        {
            int s = sources[e], t = targets[e];
            if ((uint)s >= (uint)nodeCount || (uint)t >= (uint)nodeCount)
                throw new ArgumentOutOfRangeException(nameof(sources), $"edge {e} ({s}, {t}) names a node outside 0..{nodeCount - 1}.");
            if (s == t) { selfLoops++; continue; }
            offsets[s + 1]++;
        }
        for (int i = 0; i < nodeCount; i++) offsets[i + 1] += offsets[i];

        long kept = offsets[nodeCount];
        var columns = new int[kept];
        var columnWeights = weighted ? new float[kept] : null;
        var cursor = offsets.AsSpan(0, nodeCount).ToArray();
        for (int e = 0; e < sources.Length; e++)
        {
            int s = sources[e], t = targets[e];
            if (s == t) continue;
            long at = cursor[s]++;
            columns[at] = t;
            if (columnWeights is not null) columnWeights[at] = weights[e];
        }
        cursor = null;

        var uniqueLength = new int[nodeCount];
        SortRows(nodeCount, offsets, columns, columnWeights, uniqueLength);
        long duplicates = Compact(nodeCount, offsets, ref columns, ref columnWeights, uniqueLength);

        return new CsrGraph
        {
            NodeCount = nodeCount,
            RowOffsets = offsets,
            Columns = columns,
            Weights = columnWeights,
            SelfLoopsDropped = selfLoops,
            DuplicatesDropped = duplicates,
        };
    }

    /// <summary>Sorts each row and moves its distinct targets to the row's front; rows are independent, so tasks take ranges.</summary>
    private static void SortRows(int nodeCount, long[] offsets, int[] columns, float[]? weights, int[] uniqueLength)
    {
        int tasks = (nodeCount + RowsPerTask - 1) / RowsPerTask;
        Parallel.For(0, tasks, () => new RowScratch(), (task, _, scratch) =>
        {
            int end = Math.Min(nodeCount, (task + 1) * RowsPerTask);
            for (int row = task * RowsPerTask; row < end; row++)
            {
                long start = offsets[row];
                int length = (int)(offsets[row + 1] - start);
                uniqueLength[row] = weights is null
                    ? SortUnique(columns.AsSpan((int)start, length))
                    : SortUnique(columns.AsSpan((int)start, length), weights.AsSpan((int)start, length), scratch);
            }
            return scratch;
        }, _ => { });
    }

    private static int SortUnique(Span<int> row)
    {
        if (row.Length < 2) return row.Length;
        row.Sort();
        int unique = 1;
        for (int i = 1; i < row.Length; i++)
        {
            if (row[i] != row[unique - 1]) row[unique++] = row[i];
        }
        return unique;
    }

    /// <summary>Weighted rows sort (target, position) keys so the first occurrence of a pair is the one kept.</summary>
    private static int SortUnique(Span<int> row, Span<float> rowWeights, RowScratch scratch)
    {
        if (row.Length < 2) return row.Length;
        var keys = scratch.Keys(row.Length);
        var w = scratch.Weights(row.Length);
        for (int i = 0; i < row.Length; i++) keys[i] = ((long)row[i] << 32) | (uint)i;
        rowWeights.CopyTo(w);
        keys.Sort();
        int unique = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            int target = (int)(keys[i] >> 32);
            if (unique > 0 && row[unique - 1] == target) continue;
            row[unique] = target;
            rowWeights[unique] = w[(int)(uint)keys[i]];
            unique++;
        }
        return unique;
    }

    /// <summary>Closes the gaps left by dropped repeats, in place from left to right, and returns how many were dropped.</summary>
    private static long Compact(int nodeCount, long[] offsets, ref int[] columns, ref float[]? weights, int[] uniqueLength)
    {
        long write = 0;
        for (int row = 0; row < nodeCount; row++)
        {
            long start = offsets[row];
            int length = uniqueLength[row];
            if (write != start)
            {
                Array.Copy(columns, start, columns, write, length);
                if (weights is not null) Array.Copy(weights, start, weights, write, length);
            }
            offsets[row] = write;
            write += length;
        }
        long duplicates = offsets[nodeCount] - write;
        offsets[nodeCount] = write;
        if (duplicates > 0)
        {
            Array.Resize(ref columns, (int)write);
            if (weights is not null) Array.Resize(ref weights, (int)write);
        }
        return duplicates;
    }

    private sealed class RowScratch
    {
        private long[] _keys = new long[64];
        private float[] _weights = new float[64];

        public Span<long> Keys(int length)
        {
            if (_keys.Length < length) _keys = new long[length];
            return _keys.AsSpan(0, length);
        }

        public Span<float> Weights(int length)
        {
            if (_weights.Length < length) _weights = new float[length];
            return _weights.AsSpan(0, length);
        }
    }
}
