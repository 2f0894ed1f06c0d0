namespace GpuInference.Data;

/// <summary>Opens a table file by what it holds, not by its name: Parquet when it starts with <c>PAR1</c>, otherwise CSV (plain or gzip).</summary>
internal static class RecordFile
{
    /// <summary>Opens <paramref name="path"/> with its header read; a missing file, a folder, an empty CSV or a cut Parquet file is a <see cref="DataFormatException"/>.</summary>
    public static IRecordSource Open(string path) =>
        ParquetRecordSource.IsParquet(path) ? ParquetRecordSource.Open(path) : new CsvRecordSource(path);

    /// <summary>The column names of a table file, to check a command line against before reading its rows.</summary>
    public static string[] ReadHeader(string path)
    {
        using IRecordSource source = Open(path);
        return source.Header;
    }
}
