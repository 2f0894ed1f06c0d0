using Parquet;
using Parquet.Schema;
using GpuInference.Data.ParquetPages;

namespace GpuInference.Data;

/// <summary>
/// A Parquet file as an <see cref="IRecordSource"/>, read with Parquet.Net one row group at a time: the columns asked
/// for are read whole for the row group, then handed out row by row as UTF-8 text (integers as written, floating-point
/// numbers in their shortest round-trip form, booleans as 1/0, nulls as empty fields), so that the readers that parse
/// CSV parse this too. Only top-level plain columns can be read. Errors name the column, the row group and the row
/// within it, both counted from 0 as pyarrow counts them: <c>edges.parquet: column 'dst', row group 3, row 17: …</c>.
/// A file that does not end with the footer's magic bytes is cut short and never read in part.
/// </summary>
internal sealed partial class ParquetRecordSource : IRecordSource
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly FileStream _file;
    private readonly ParquetReader _reader;
    private readonly Field[] _fields;
    private readonly ColumnKind?[] _wanted;
    private readonly long[] _groupStarts; // first row of each row group, and the total at the end
    private readonly Chunk?[] _chunks;          // each column's chunk for the row group loaded: one of the two below
    private readonly ColumnChunkDecoder?[] _decoders;
    private readonly DecodedChunk?[] _decodedChunks;
    private readonly Chunk?[] _generalChunks; // read through Parquet.Net, for what the decoder does not read
    private int _group = -1;
    private int _row;
    private int _groupRows;
    private int _endGroup; // the row group after the last one to read: all of them, unless limited to one

    private ParquetRecordSource(string path, FileStream file, ParquetReader reader)
    {
        Path = path;
        _file = file;
        _reader = reader;
        _fields = [.. reader.Schema.Fields];
        Header = [.. _fields.Select(f => f.Name)];
        for (int i = 1; i < Header.Length; i++)
        {
            int first = Array.IndexOf(Header, Header[i], 0, i);
            if (first >= 0) throw new DataFormatException(path, $"column name '{Header[i]}' is given twice (columns {first + 1} and {i + 1})");
        }
        _wanted = new ColumnKind?[_fields.Length];
        _chunks = new Chunk?[_fields.Length];
        _decoders = new ColumnChunkDecoder?[_fields.Length];
        _decodedChunks = new DecodedChunk?[_fields.Length];
        _generalChunks = new Chunk?[_fields.Length];
        _groupStarts = new long[reader.RowGroupCount + 1];
        for (int g = 0; g < reader.RowGroupCount; g++) _groupStarts[g + 1] = _groupStarts[g] + reader.RowGroups[g].RowCount;
        _endGroup = reader.RowGroupCount;
    }

    /// <summary>True when the file starts with Parquet's magic bytes (whatever its name).</summary>
    public static bool IsParquet(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path)) return false;
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return file.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual(Magic);
    }

    /// <summary>Opens a file that starts with Parquet's magic bytes, checking its end for them too (a cut file lacks them).</summary>
    public static ParquetRecordSource Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        try
        {
            Span<byte> tail = stackalloc byte[4];
            if (file.Length < 12) throw new DataFormatException(path, $"Parquet file is cut short: {file.Length} bytes, too few for a header and a footer");
            file.Position = file.Length - 4;
            file.ReadExactly(tail);
            if (!tail.SequenceEqual(Magic))
                throw new DataFormatException(path, "Parquet file is cut short or damaged: it does not end with the footer's magic bytes PAR1");
            file.Position = 0;
            ParquetReader reader;
            try
            {
                reader = ParquetReader.CreateAsync(file, new ParquetOptions(), leaveStreamOpen: true).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not DataFormatException)
            {
                throw new DataFormatException(path, $"not a readable Parquet file: {e.Message}", e);
            }
            try
            {
                return new ParquetRecordSource(path, file, reader);
            }
            catch
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public string[] Header { get; }

    public long RecordCount { get; private set; }

    public long ExpectedRecords => _groupStarts[^1];

    public long Position => _groupStarts[^1] == 0 ? 0 : (long)((double)_file.Length * RecordCount / _groupStarts[^1]);

    public long Mark => _groupStarts[_group] + _row;

    public ReadOnlySpan<byte> this[int index] => (_chunks[index] ?? throw new InvalidOperationException($"column '{Header[index]}' was not asked for")).Cell(_row);

    public bool TryGetStoredInteger(int index, out long value) =>
        (_chunks[index] ?? throw new InvalidOperationException($"column '{Header[index]}' was not asked for")).TryGetInteger(_row, out value);

    public bool TryGetStoredFiniteNumber(int index, out double value) =>
        (_chunks[index] ?? throw new InvalidOperationException($"column '{Header[index]}' was not asked for")).TryGetFiniteNumber(_row, out value);

    public bool ReadRecord()
    {
        if (_group >= 0 && _row + 1 < _groupRows)
        {
            _row++;
            RecordCount++;
            return true;
        }
        while (_group + 1 < _endGroup)
        {
            LoadGroup(_group + 1);
            if (_groupRows == 0) continue;
            RecordCount++;
            return true;
        }
        return false;
    }

    /// <summary>How many row groups the file has.</summary>
    internal int RowGroupCount => _groupStarts.Length - 1;

    /// <summary>How many rows row group <paramref name="group"/> holds.</summary>
    internal long RowsIn(int group) => _groupStarts[group + 1] - _groupStarts[group];

    /// <summary>
    /// Limits the reading to row group <paramref name="group"/>, from its first row: <see cref="ReadRecord"/> goes
    /// through its rows and then ends. Rows keep their place in the whole file (<see cref="Mark"/>, errors), so a
    /// reader given one row group says what it would say reading the file from the start. Can be called again for
    /// another row group, so that one open file serves several.
    /// </summary>
    internal void ReadOnlyRowGroup(int group)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, RowGroupCount);
        _group = group - 1;
        _row = 0;
        _groupRows = 0;
        _endGroup = group + 1;
        RecordCount = _groupStarts[group];
    }

    /// <summary>True when column <paramref name="index"/> holds 64- or 32-bit signed integers, which <see cref="CopyIntegers"/> hands out as numbers.</summary>
    internal bool HoldsSignedIntegers(int index) => _fields[index] is DataField { IsArray: false } field && (field.ClrType == typeof(long) || field.ClrType == typeof(int));

    /// <summary>
    /// Loads the next row group that holds rows, for a reader that takes its columns whole: all its rows count as read
    /// and <see cref="ReadRecord"/> goes on after them. False at the end of the file.
    /// </summary>
    internal bool ReadRowGroup(out int rows)
    {
        rows = 0;
        while (_group + 1 < _endGroup)
        {
            LoadGroup(_group + 1);
            if (_groupRows == 0) continue;
            rows = _groupRows;
            _row = _groupRows - 1;
            RecordCount = _groupStarts[_group] + _groupRows;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Column <paramref name="index"/> of the row group <see cref="ReadRowGroup"/> loaded, as numbers, with each null
    /// marked in <paramref name="isNull"/>; the column must be one of <see cref="HoldsSignedIntegers"/>.
    /// </summary>
    internal void CopyIntegers(int index, Span<long> values, Span<bool> isNull) =>
        (_chunks[index] ?? throw new InvalidOperationException($"column '{Header[index]}' was not asked for")).CopyIntegers(values, isNull);

    /// <summary>
    /// Column <paramref name="index"/> of the row group <see cref="ReadRowGroup"/> loaded as the numbers
    /// <see cref="TryGetStoredFiniteNumber"/> gives row by row, each null as NaN (what its empty text reads as); false
    /// when the column holds text, or a NaN or infinite value (which its text makes an error).
    /// </summary>
    internal bool TryCopyNumbers(int index, Span<double> values) =>
        (_chunks[index] ?? throw new InvalidOperationException($"column '{Header[index]}' was not asked for")).TryCopyNumbers(values);

    /// <summary>Goes back to before the first row of the row group <see cref="ReadRowGroup"/> loaded, so that <see cref="ReadRecord"/> reads it row by row.</summary>
    internal void RewindRowGroup()
    {
        _row = -1;
        RecordCount = _groupStarts[_group];
    }

    /// <summary>
    /// Column <paramref name="index"/> of the row group <see cref="ReadRowGroup"/> loaded, as <see cref="CopyIntegers"/>
    /// gives it but without the copy, when the page reader decoded it (<paramref name="isNull"/> is empty when no row
    /// can be null); false otherwise.
    /// </summary>
    internal bool TryGetDecodedIntegers(int index, out ReadOnlySpan<long> values, out ReadOnlySpan<bool> isNull)
    {
        values = default;
        isNull = default;
        if (_chunks[index] is not DecodedChunk chunk || !HoldsSignedIntegers(index)) return false;
        chunk.GetIntegers(out values, out isNull);
        return true;
    }

    /// <summary>True when column <paramref name="index"/> of the row group loaded was decoded from its pages by this library, not by Parquet.Net.</summary>
    internal bool IsDecodedFromPages(int index) => _chunks[index] is DecodedChunk;

    /// <summary>Makes row <paramref name="row"/> of the row group <see cref="ReadRowGroup"/> loaded the current record, to name it in an error.</summary>
    internal void SeekRow(int row) => _row = row;

    public int Require(string name, ColumnKind kind)
    {
        int at = Optional(name, kind);
        if (at < 0) throw new DataFormatException(Path, $"missing column '{name}' (the file has: {string.Join(", ", Header)})");
        return at;
    }

    public int Optional(string name, ColumnKind kind)
    {
        int at = Array.IndexOf(Header, name);
        if (at < 0) return -1;
        if (_fields[at] is not DataField { IsArray: false } field || _fields[at].SchemaType != SchemaType.Data)
            throw new DataFormatException(Path, $"column '{name}': a nested column (list, map or struct); a plain column is needed");
        ColumnKind? earlier = _wanted[at];
        _wanted[at] = earlier is null || earlier == ColumnKind.Any ? kind : earlier;
        return at;
    }

    public DataFormatException Error(int index, string problem) => ErrorAt(Mark, index, problem);

    public long MarkOf(long record) => record;

    public DataFormatException ErrorAt(long mark, int index, string problem) =>
        new(Path, $"column '{Header[index]}', {Where(mark)}: {problem}");

    public string Where(long mark)
    {
        int group = Array.BinarySearch(_groupStarts, mark);
        if (group < 0) group = ~group - 1;
        // Empty row groups share their start with the next one: name the one that holds the row.
        while (group + 1 < _groupStarts.Length - 1 && _groupStarts[group + 1] <= mark) group++;
        return $"row group {group}, row {mark - _groupStarts[group]}";
    }

    public DataFormatException NoRows() => new(Path, "no data rows");

    private void LoadGroup(int group)
    {
        _group = group;
        _row = 0;
        _groupRows = checked((int)_reader.RowGroups[group].RowCount);
        try
        {
            using var rows = _reader.OpenRowGroupReader(group);
            for (int c = 0; c < _fields.Length; c++)
            {
                if (_wanted[c] is not ColumnKind kind) continue;
                var field = (DataField)_fields[c];
                string? wrong = WrongType(field, kind);
                if (wrong is not null) throw new DataFormatException(Path, $"column '{field.Name}', row group {group}: {wrong}");
                Chunk chunk = _chunks[c] = LoadColumn(c, field, rows, group);
                if (chunk.FirstInvalid() is int bad and >= 0)
                    throw ErrorAt(_groupStarts[group] + bad, c, "text that is not valid UTF-8 (or holds U+FFFD, the mark of bytes that were not; save the file as UTF-8)");
            }
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            throw new DataFormatException(Path, $"row group {group} cannot be read (damaged file?): {e.Message}", e);
        }
    }

    /// <summary>
    /// Column <paramref name="c"/> of the row group: decoded from its pages where the decoder reads them (checking their
    /// CRCs), else through Parquet.Net. A column keeps its chunks, and so their buffers, from row group to row group,
    /// rather than leave arrays of a million rows behind for the garbage collector at every row group.
    /// </summary>
    private Chunk LoadColumn(int c, DataField field, ParquetRowGroupReader rows, int group)
    {
        var meta = rows.GetMetadata(field)?.MetaData;
        if (meta is not null && field.MaxRepetitionLevel == 0 && DecodedKindOf(field.ClrType) is DecodedKind kind
            && ColumnChunkDecoder.KindOf(meta.Type) == kind)
        {
            var decoder = _decoders[c] ??= new ColumnChunkDecoder();
            try
            {
                if (decoder.TryDecode(_file.SafeFileHandle, _file.Length, meta, field.MaxDefinitionLevel, _groupRows))
                    return _decodedChunks[c] ??= new DecodedChunk(decoder.Column, text: IsText(field.ClrType) && field.ClrType != typeof(byte[]) && field.ClrType != typeof(ReadOnlyMemory<byte>));
            }
            catch (Exception e) when (e is PageChecksumException or InvalidDataException)
            {
                throw new DataFormatException(Path, $"column '{field.Name}', row group {group} cannot be read (damaged file?): {e.Message}", e);
            }
            catch (NotSupportedException e)
            {
                throw new DataFormatException(Path, $"column '{field.Name}', row group {group}: {e.Message}", e);
            }
        }
        Chunk chunk = _generalChunks[c] ??= Chunk.For(field);
        chunk.Load(rows, field, _groupRows);
        return chunk;
    }

    /// <summary>What the page decoder gives for a column Parquet.Net shows as <paramref name="type"/>, or null when it should not read it.</summary>
    private static DecodedKind? DecodedKindOf(Type type) =>
        type == typeof(long) ? DecodedKind.Int64
        : type == typeof(int) ? DecodedKind.Int32
        : type == typeof(double) ? DecodedKind.Double
        : type == typeof(float) ? DecodedKind.Float
        : type == typeof(bool) ? DecodedKind.Boolean
        : IsText(type) ? DecodedKind.ByteArray
        : null;

    /// <summary>Why a column of this type cannot give <paramref name="kind"/>, or null when it can.</summary>
    private static string? WrongType(DataField field, ColumnKind kind)
    {
        Type type = field.ClrType;
        bool text = IsText(type);
        bool integer = type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte)
            || type == typeof(ulong) || type == typeof(uint) || type == typeof(ushort) || type == typeof(byte);
        bool real = type == typeof(double) || type == typeof(float);
        bool flag = type == typeof(bool);
        if (!text && !integer && !real && !flag) return $"holds {type.Name} values, which cannot be read here (integers, floating-point numbers, booleans and text can)";
        string holds = text ? "text" : integer ? "integers" : real ? "floating-point numbers" : "booleans";
        return kind switch
        {
            ColumnKind.Id when !(text || integer) => $"ids must be integers or text, but the column holds {holds}",
            ColumnKind.Number when text => "a number is needed, but the column holds text",
            ColumnKind.Integer when !integer => $"whole numbers are needed, but the column holds {holds}",
            _ => null,
        };
    }

    /// <summary>Text and binary columns (Parquet.Net shows them as ReadOnlyMemory by default).</summary>
    private static bool IsText(Type type) =>
        type == typeof(string) || type == typeof(byte[]) || type == typeof(ReadOnlyMemory<char>) || type == typeof(ReadOnlyMemory<byte>);

    public void Dispose()
    {
        // A table that outlives the reading keeps this source to name places (Where, ErrorAt): let the last row group go.
        Array.Clear(_chunks);
        Array.Clear(_decodedChunks);
        Array.Clear(_generalChunks);
        foreach (var decoder in _decoders) decoder?.Dispose();
        Array.Clear(_decoders);
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
    }
}
