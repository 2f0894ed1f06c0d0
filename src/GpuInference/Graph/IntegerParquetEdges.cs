using Parquet;
using Parquet.Schema;
using GpuInference.Data;

namespace GpuInference.Graph;

/// <summary>
/// The fast path for a Parquet edges file whose id columns hold 64- or 32-bit integers, read against integer node
/// ids: row groups are decoded and their ids looked up on every core, each worker with its own reader of the file,
/// and every row group's edges land at its own place in the result, so the order is the file's. A row group that
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
            using var opened = new OpenedFile(path);
            var reader = opened.Reader;
            groupStarts = new long[reader.RowGroupCount + 1];
            for (int g = 0; g < reader.RowGroupCount; g++) groupStarts[g + 1] = groupStarts[g] + reader.RowGroups[g].RowCount;
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
            using var rowGroup = worker.File.Reader.OpenRowGroupReader(group);
            var groupSources = allSources.AsSpan((int)groupStarts[group], rows);
            var groupTargets = allTargets.AsSpan((int)groupStarts[group], rows);
            worker.Scratch.LookUp(rowGroup, worker.Source, ids, groupSources);
            worker.Scratch.LookUp(rowGroup, worker.Target, ids, groupTargets);
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

    /// <summary>A file and a Parquet reader over it, closed together (the reader is only asynchronously disposable).</summary>
    private sealed class OpenedFile : IDisposable
    {
        private readonly FileStream _file;

        public OpenedFile(string path)
        {
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
            try
            {
                Reader = ParquetReader.CreateAsync(_file, new ParquetOptions(), leaveStreamOpen: true).GetAwaiter().GetResult();
            }
            catch
            {
                _file.Dispose();
                throw;
            }
        }

        public ParquetReader Reader { get; }

        public void Dispose()
        {
            Reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _file.Dispose();
        }
    }

    /// <summary>One worker's reader of the file, its id columns and its buffers, kept from row group to row group.</summary>
    private sealed class Worker : IDisposable
    {
        public Worker(string path, string sourceColumn, string targetColumn)
        {
            File = new OpenedFile(path);
            try
            {
                Source = Field(File.Reader, sourceColumn);
                Target = Field(File.Reader, targetColumn);
            }
            catch
            {
                File.Dispose();
                throw;
            }
        }

        public OpenedFile File { get; }

        public DataField Source { get; }

        public DataField Target { get; }

        public Scratch Scratch { get; } = new();

        public void Dispose() => File.Dispose();
    }

    private static DataField Field(ParquetReader reader, string name) =>
        reader.Schema.GetDataFields().Single(f => f.Name == name && f.Path.Length == 1);

    /// <summary>One worker's buffers, reused from row group to row group.</summary>
    private sealed class Scratch
    {
        private long[] _values = [];
        private long?[] _nullable = [];

        /// <summary>Reads one id column of a row group and looks its ids up; a null or unknown id becomes -1.</summary>
        public void LookUp(ParquetRowGroupReader rowGroup, DataField field, NodeIdIndex ids, Span<int> nodes)
        {
            int rows = nodes.Length;
            if (_values.Length < rows) _values = new long[rows];
            var values = _values.AsSpan(0, rows);
            if (field.IsNullable)
            {
                if (_nullable.Length < rows) _nullable = new long?[rows];
                ReadNullable(rowGroup, field, rows);
                for (int row = 0; row < rows; row++) values[row] = _nullable[row] ?? 0;
                ids.GetNodes(values, nodes);
                for (int row = 0; row < rows; row++)
                {
                    if (_nullable[row] is null) nodes[row] = -1;
                }
                return;
            }
            if (field.ClrType == typeof(int))
            {
                var narrow = new int[rows];
                rowGroup.ReadAsync<int>(field, narrow.AsMemory()).GetAwaiter().GetResult();
                for (int row = 0; row < rows; row++) values[row] = narrow[row];
            }
            else rowGroup.ReadAsync<long>(field, _values.AsMemory(0, rows)).GetAwaiter().GetResult();
            ids.GetNodes(values, nodes);
        }

        private void ReadNullable(ParquetRowGroupReader rowGroup, DataField field, int rows)
        {
            if (field.ClrType == typeof(int))
            {
                var narrow = new int?[rows];
                rowGroup.ReadAsync<int>(field, narrow.AsMemory()).GetAwaiter().GetResult();
                for (int row = 0; row < rows; row++) _nullable[row] = narrow[row];
            }
            else rowGroup.ReadAsync<long>(field, _nullable.AsMemory(0, rows)).GetAwaiter().GetResult();
        }
    }
}
