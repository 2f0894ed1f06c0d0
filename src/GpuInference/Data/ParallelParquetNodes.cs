namespace GpuInference.Data;

/// <summary>
/// The fast path for a Parquet nodes file: its row groups decoded and checked on every core, each by the same
/// <see cref="NodeRows"/> code that reads a file from start to end, then joined in file order. Decoding a text
/// column is most of the time a nodes file takes, and one core did all of it. Any problem (a bad value, a column of
/// the wrong type, a damaged row group, too many vote2010 levels in all) makes it give up, and the file is read from
/// the start on one core, which names the problem as it always has.
/// </summary>
internal static class ParallelParquetNodes
{
    /// <summary>The rows of every row group, joined in file order; null when reading them this way gave up.</summary>
    public static NodeRows? TryRead(ParquetRecordSource file, NodeTableOptions options)
    {
        int groups = file.RowGroupCount;
        // One row group gains nothing from more cores (on one core the row groups are read in turn, at the cost of one copy).
        if (groups < 2) return null;
        var parts = new NodeRows[groups];
        bool read = ParallelRowGroups.TryRun(groups, () => ParquetRecordSource.Open(file.Path), (source, group) =>
        {
            source.ReadOnlyRowGroup(group);
            var part = new NodeRows(source, options, source.RowsIn(group));
            if (!part.TryReadByColumns(source))
            {
                // Something a column cannot say whole (a text id, a bool or a null 0/1 value, a bad outcome): row by row.
                part = new NodeRows(source, options, source.RowsIn(group));
                source.RewindRowGroup();
                part.ReadAll(source);
            }
            parts[group] = part;
        });
        if (!read) return null;
        // The whole file's rows, named by the file's own source (a repeated id is named after the join).
        var all = new NodeRows(file, options, file.ExpectedRecords);
        foreach (NodeRows part in parts)
        {
            if (!all.TryAppend(part)) return null;
        }
        return all;
    }
}
