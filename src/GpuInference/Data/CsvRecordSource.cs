namespace GpuInference.Data;

/// <summary>A CSV file (plain or gzip) as an <see cref="IRecordSource"/>: its header row read, every record checked
/// for its field count, errors as <c>path:line:field</c>.</summary>
internal sealed class CsvRecordSource : IRecordSource
{
    private readonly CsvReader _csv;
    private readonly long _fileBytes;
    private readonly bool _gzip;

    public CsvRecordSource(string path)
        : this(InputFile.OpenRead(path), path)
    {
    }

    public CsvRecordSource(Stream input, string path)
    {
        _gzip = input is CheckedGzipStream;
        _fileBytes = input is FileStream file ? file.Length : _gzip ? ((CheckedGzipStream)input).CompressedLength : 0;
        _csv = new CsvReader(input, path);
        try
        {
            Header = CsvHeader.Read(_csv);
        }
        catch
        {
            _csv.Dispose();
            throw;
        }
        Stream = input;
    }

    /// <summary>The stream read, for a progress bar.</summary>
    private Stream Stream { get; }

    public string Path => _csv.Path;

    public string[] Header { get; }

    public long RecordCount => _csv.RecordCount - 1;

    /// <summary>About 16 bytes a plain line and 5 a gzip one: a first capacity, so a large file grows its arrays once or twice.</summary>
    public long ExpectedRecords => Math.Clamp(_gzip ? _fileBytes / 5 : _fileBytes / 16, 1 << 10, Array.MaxLength);

    public long Position => Stream switch
    {
        CheckedGzipStream gzip => gzip.CompressedPosition,
        { CanSeek: true } s => s.Position,
        _ => 0,
    };

    public long Mark => _csv.Line;

    public ReadOnlySpan<byte> this[int index] => _csv[index];

    /// <summary>CSV stores text only.</summary>
    public bool TryGetStoredInteger(int index, out long value)
    {
        value = 0;
        return false;
    }

    /// <summary>CSV stores text only.</summary>
    public bool TryGetStoredFiniteNumber(int index, out double value)
    {
        value = 0;
        return false;
    }

    public bool ReadRecord()
    {
        if (!_csv.ReadRecord()) return false;
        _csv.RequireFieldCount(Header.Length);
        return true;
    }

    public int Require(string name, ColumnKind kind) => CsvHeader.Require(_csv, Header, name);

    public int Optional(string name, ColumnKind kind) => CsvHeader.Optional(Header, name);

    public DataFormatException Error(int index, string problem) => _csv.Error(index, problem);

    public long MarkOf(long record)
    {
        using var csv = CsvReader.Open(Path);
        for (long i = 0; i <= record + 1; i++) csv.ReadRecord();
        return csv.Line;
    }

    public DataFormatException ErrorAt(long mark, int index, string problem) => new(Path, mark, index + 1, problem);

    public string Where(long mark) => $"line {mark}";

    public DataFormatException NoRows() => new(Path, 2, 1, "no data rows");

    public void Dispose() => _csv.Dispose();
}
