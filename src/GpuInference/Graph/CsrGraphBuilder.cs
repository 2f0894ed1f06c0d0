namespace GpuInference.Graph;

/// <summary>
/// Turns an edge list over node indices into a <see cref="CsrGraph"/>: a counting sort by source (stable, so file
/// order survives within a row), then each row sorted by target with self-loops and repeated pairs dropped and
/// counted. A repeated pair keeps the weight of its first occurrence. Memory beyond the inputs is the CSR itself
/// plus one count per node for each core that places edges, which keeps a 75M-edge graph well inside a few GiB.
/// </summary>
public static class CsrGraphBuilder
{
    private const int RowsPerTask = 1 << 14;

    // Each chunk costs a count per node (60 MB at paper scale): a few million edges per chunk pay for that.
    private const int EdgesPerChunk = 1 << 22;

    /// <summary>Builds the graph over <paramref name="nodeCount"/> nodes; <paramref name="weights"/> is empty or one per edge.</summary>
    public static CsrGraph Build(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights = default) =>
        Build(nodeCount, sources, targets, weights, (int)Math.Clamp(sources.Length / EdgesPerChunk, 1, Environment.ProcessorCount));

    /// <summary>
    /// Builds the graph with the edge list cut into <paramref name="chunks"/> ranges that are counted and placed on
    /// their own cores. Chunk c's edges of a row go after those of chunks before it, so the order within a row is the
    /// file's whatever the number of chunks, and so is the result. Tests pass many chunks to small graphs.
    /// </summary>
    internal static unsafe CsrGraph Build(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights, int chunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        if (sources.Length != targets.Length) throw new ArgumentException("sources and targets differ in length.", nameof(targets));
        bool weighted = !weights.IsEmpty;
        if (weighted && weights.Length != sources.Length) throw new ArgumentException("one weight per edge.", nameof(weights));

        fixed (int* sourcePointer = sources, targetPointer = targets)
        fixed (float* weightPointer = weights)
        {
            var edges = new EdgeList(sourcePointer, targetPointer, weighted ? weightPointer : null, sources.Length);
            var placement = CountRows(nodeCount, edges, chunks, out long[] offsets, out long selfLoops);

            long kept = offsets[nodeCount];
            var columns = new int[kept];
            var columnWeights = weighted ? new float[kept] : null;
            Place(edges, placement, columns, columnWeights);
            placement = null;

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
    }

    /// <summary>
    /// Counts each chunk's edges per row (self-loops apart), then turns the counts into the row offsets and, per chunk,
    /// the place of its first edge in each row. An edge naming a node outside the graph is an error naming the first such edge.
    /// </summary>
    private static unsafe int[][] CountRows(int nodeCount, EdgeList edges, int chunks, out long[] offsets, out long selfLoops)
    {
        var counts = new int[chunks][];
        var loops = new long[chunks];
        var firstBad = new long[chunks];
        Parallel.For(0, chunks, c =>
        {
            var count = counts[c] = new int[nodeCount];
            firstBad[c] = -1;
            for (long e = edges.Start(c, chunks); e < edges.Start(c + 1, chunks); e++)
            {
                int s = edges.Sources[e], t = edges.Targets[e];
                if ((uint)s >= (uint)nodeCount || (uint)t >= (uint)nodeCount) { firstBad[c] = e; return; }
                if (s == t) { loops[c]++; continue; }
                count[s]++;
            }
        });
        foreach (long e in firstBad)
        {
            if (e >= 0)
                throw new ArgumentOutOfRangeException("sources", $"edge {e} ({edges.Sources[e]}, {edges.Targets[e]}) names a node outside 0..{nodeCount - 1}.");
        }
        selfLoops = loops.Sum();

        var rowOffsets = offsets = new long[nodeCount + 1];
        for (int row = 0; row < nodeCount; row++)
        {
            long degree = 0;
            foreach (int[] count in counts) degree += count[row];
            rowOffsets[row + 1] = rowOffsets[row] + degree;
        }
        // Counts become places; an int suffices, as no array holds more than int.MaxValue edges.
        int tasks = (nodeCount + RowsPerTask - 1) / RowsPerTask;
        Parallel.For(0, tasks, task =>
        {
            int end = Math.Min(nodeCount, (task + 1) * RowsPerTask);
            for (int row = task * RowsPerTask; row < end; row++)
            {
                int place = (int)rowOffsets[row];
                foreach (int[] count in counts)
                {
                    int n = count[row];
                    count[row] = place;
                    place += n;
                }
            }
        });
        return counts;
    }

    /// <summary>Puts each edge at its chunk's next place in its row: a stable counting sort by source.</summary>
    private static unsafe void Place(EdgeList edges, int[][] placement, int[] columns, float[]? columnWeights)
    {
        Parallel.For(0, placement.Length, c =>
        {
            int[] next = placement[c];
            for (long e = edges.Start(c, placement.Length); e < edges.Start(c + 1, placement.Length); e++)
            {
                int s = edges.Sources[e], t = edges.Targets[e];
                if (s == t) continue;
                int at = next[s]++;
                columns[at] = t;
                if (columnWeights is not null) columnWeights[at] = edges.Weights[e];
            }
        });
    }

    /// <summary>The caller's edge spans, pinned for the length of the build, so that tasks can read them.</summary>
    private readonly unsafe struct EdgeList(int* sources, int* targets, float* weights, long count)
    {
        public readonly int* Sources = sources;
        public readonly int* Targets = targets;
        public readonly float* Weights = weights;

        /// <summary>The first edge of chunk <paramref name="chunk"/> of <paramref name="chunks"/> (the end of the list for chunk = chunks).</summary>
        public long Start(int chunk, int chunks) => count * chunk / chunks;
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
