
namespace GpuInference.Data;

/// <summary>Reads the nodes file (CSV, plain or gzip, or Parquet) into a <see cref="NodeTable"/> with its id index.</summary>
public static class NodeTableReader
{
    /// <summary>
    /// Reads <paramref name="path"/>. Throws <see cref="DataFormatException"/> (<c>path:line:field: problem</c>) for a
    /// missing column, a wrong field count, a non-numeric outcome or one beyond
    /// <see cref="NodeTableOptions.MaxOutcomeMagnitude"/>, a treatment or logged_in other than 0/1, a blank id, a
    /// blank vote2010 or one outside <see cref="NodeTableOptions.Vote2010Levels"/>, a repeated id, text that is not
    /// UTF-8, a repeated column name, a cut or damaged gzip file, or an empty file. A Parquet file gets the same
    /// checks, as <c>path: column 'c', row group g, row r: problem</c>, and a column of the wrong type (text where a
    /// number is needed) or a cut file is an error too. A Parquet file of several row groups is read on every core
    /// (<see cref="ParallelParquetNodes"/>), to the same table and the same errors.
    /// </summary>
    public static NodeTable Read(string path, NodeTableOptions? options = null)
    {
        options ??= new NodeTableOptions();
        using IRecordSource source = RecordFile.Open(path);
        var rows = new NodeRows(source, options);
        // A Parquet file's row groups on every core when nothing is wrong; otherwise, and for CSV, from start to end.
        NodeRows? parallel = source is ParquetRecordSource parquet ? ParallelParquetNodes.TryRead(parquet, options) : null;
        if (parallel is null) rows.ReadAll(source);
        return (parallel ?? rows).ToTable(path);
    }
}
