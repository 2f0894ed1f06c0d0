using GpuInference.Data;

namespace GpuInference.Graph;

/// <summary>
/// The fast path for a Parquet edges file whose id columns hold 64- or 32-bit integers, read against integer node
/// ids: row groups are decoded and their ids looked up on every core, each worker with its own reader of the file
/// (which decodes the pages itself), and every row group's edges land at its own place in the result, so the order is
/// the file's. A row group that
/// cannot be read, or an unknown or null id when those are not dropped, makes it give up; the sequential reader
/// then names the column, row group and row, as it always has.
/// </summary>
internal static class IntegerParquetEdges
{
    /// <summary>
    /// Reads columns <paramref name="sourceColumn"/> and <paramref name="targetColumn"/> (both checked by the caller to
    /// hold signed integers) as node pairs in file order; <paramref name="count"/> of each array are the edges kept.
    /// </summary>
    public static bool TryRead(string path, string sourceColumn, string targetColumn, NodeIdIndex ids, bool dropUnknown,
        out int[] sources, out int[] targets, out int count, out long unknown)
    {
        sources = targets = [];
        count = 0;
        unknown = 0;
        long[] groupStarts;
        try
        {
            using var file = ParquetRecordSource.Open(path);
            groupStarts = new long[file.RowGroupCount + 1];
            for (int g = 0; g < file.RowGroupCount; g++) groupStarts[g + 1] = groupStarts[g] + file.RowsIn(g);
        }
        catch (Exception)
        {
            return false; // the sequential reader, which has the file open already, says what is wrong
        }
        if (groupStarts[^1] > Array.MaxLength) return false;
        int groups = groupStarts.Length - 1;
        var allSources = new int[groupStarts[^1]];
        var allTargets = new int[groupStarts[^1]];
        var kept = new int[groups];
        var dropped = new long[groups];
        bool read = ParallelRowGroups.TryRun(groups, () => new Worker(path, sourceColumn, targetColumn), (worker, group) =>
        {
            int rows = checked((int)(groupStarts[group + 1] - groupStarts[group]));
            if (rows == 0) return;
            var groupSources = allSources.AsSpan((int)groupStarts[group], rows);
            var groupTargets = allTargets.AsSpan((int)groupStarts[group], rows);
            worker.File.ReadOnlyRowGroup(group);
            if (!worker.File.ReadRowGroup(out int read) || read != rows) throw new InvalidDataException("a row group's size changed");
            worker.LookUp(worker.Source, ids, groupSources);
            worker.LookUp(worker.Target, ids, groupTargets);
            int keep = 0;
            for (int row = 0; row < rows; row++)
            {
                if ((groupSources[row] | groupTargets[row]) < 0) continue;
                groupSources[keep] = groupSources[row];
                groupTargets[keep] = groupTargets[row];
                keep++;
            }
            // An unknown or null id that is not to be dropped: the sequential reader names its row.
            if (keep < rows && !dropUnknown) throw new InvalidDataException("an unknown or null id");
            kept[group] = keep;
            dropped[group] = rows - keep;
        });
        if (!read) return false;

        // Close the gaps that dropped edges left at the end of their row groups.
        long write = 0;
        for (int g = 0; g < groups; g++)
        {
            if (write != groupStarts[g])
            {
                Array.Copy(allSources, groupStarts[g], allSources, write, kept[g]);
                Array.Copy(allTargets, groupStarts[g], allTargets, write, kept[g]);
            }
            write += kept[g];
            unknown += dropped[g];
        }
        sources = allSources;
        targets = allTargets;
        count = (int)write;
        return true;
    }

    /// <summary>One worker's reader of the file, its id columns and its buffers, kept from row group to row group.</summary>
    private sealed class Worker : IDisposable
    {
        private long[] _values = [];
        private bool[] _isNull = [];

        public Worker(string path, string sourceColumn, string targetColumn)
        {
            File = ParquetRecordSource.Open(path);
            try
            {
                Source = File.Require(sourceColumn, ColumnKind.Id);
                Target = File.Require(targetColumn, ColumnKind.Id);
            }
            catch
            {
                File.Dispose();
                throw;
            }
        }

        public ParquetRecordSource File { get; }

        public int Source { get; }

        public int Target { get; }

        /// <summary>Looks up the ids of column <paramref name="column"/> in the row group loaded; a null or unknown id becomes -1.</summary>
        public void LookUp(int column, NodeIdIndex ids, Span<int> nodes)
        {
            int rows = nodes.Length;
            if (!File.TryGetDecodedIntegers(column, out ReadOnlySpan<long> values, out ReadOnlySpan<bool> isNull))
            {
                if (_values.Length < rows)
                {
                    _values = new long[rows];
                    _isNull = new bool[rows];
                }
                File.CopyIntegers(column, _values.AsSpan(0, rows), _isNull.AsSpan(0, rows));
                values = _values.AsSpan(0, rows);
                isNull = _isNull.AsSpan(0, rows);
            }
            ids.GetNodes(values, nodes);
            if (!isNull.Contains(true)) return;
            for (int row = 0; row < rows; row++)
            {
                if (isNull[row]) nodes[row] = -1;
            }
        }

        public void Dispose() => File.Dispose();
    }
}
