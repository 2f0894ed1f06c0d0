using System.Globalization;
using System.Text;
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

    /// <summary>One column of one row group, read whole, giving each row as UTF-8 text; loaded again for each row group.</summary>
    private abstract class Chunk
    {
        protected readonly byte[] Scratch = new byte[64];

        /// <summary>Reads the column of <paramref name="rows"/>, <paramref name="count"/> rows, in place of the row group before.</summary>
        public abstract void Load(ParquetRowGroupReader rows, DataField field, int count);

        /// <summary><paramref name="buffer"/> with room for <paramref name="count"/> items: itself when it has, else a new one.</summary>
        protected static T[] Room<T>(T[] buffer, int count) => buffer.Length >= count ? buffer : new T[count];

        public abstract ReadOnlySpan<byte> Cell(int row);

        /// <summary>Row <paramref name="row"/> as a whole number, when the column stores whole numbers and the row is not null.</summary>
        public virtual bool TryGetInteger(int row, out long value)
        {
            value = 0;
            return false;
        }

        /// <summary>Row <paramref name="row"/> as a finite real number, when the column stores numbers and the row is neither null nor NaN nor infinite.</summary>
        public virtual bool TryGetFiniteNumber(int row, out double value)
        {
            value = 0;
            return false;
        }

        /// <summary>The rows as finite numbers, nulls as NaN; false when the column holds no numbers or a value that is not finite.</summary>
        public virtual bool TryCopyNumbers(Span<double> values) => false;

        /// <summary>The rows as numbers, nulls marked, for an integer column (see <see cref="HoldsSignedIntegers"/>).</summary>
        public virtual void CopyIntegers(Span<long> values, Span<bool> isNull) => throw new InvalidOperationException("not an integer column");

        /// <summary>The first row whose text is not UTF-8, or -1 (numbers always are).</summary>
        public virtual int FirstInvalid() => -1;

        /// <summary>An empty chunk of the kind that reads <paramref name="field"/>.</summary>
        public static Chunk For(DataField field)
        {
            Type type = field.ClrType;
            if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>)) return new Binary();
            if (IsText(type)) return new Text();
            if (type == typeof(long)) return new Values<long>();
            if (type == typeof(int)) return new Values<int>();
            if (type == typeof(short)) return new Values<short>();
            if (type == typeof(sbyte)) return new Values<sbyte>();
            if (type == typeof(ulong)) return new Values<ulong>();
            if (type == typeof(uint)) return new Values<uint>();
            if (type == typeof(ushort)) return new Values<ushort>();
            if (type == typeof(byte)) return new Values<byte>();
            if (type == typeof(double)) return new Values<double>();
            if (type == typeof(float)) return new Values<float>();
            if (type == typeof(bool)) return new Flags();
            throw new InvalidOperationException($"no reader for {type}");
        }
    }

    private sealed class Values<T> : Chunk where T : struct, IUtf8SpanFormattable
    {
        private T[]? _values;    // the rows of a column that cannot hold nulls
        private T?[]? _nullable; // the rows of one that can
        private int _count;

        public override void Load(ParquetRowGroupReader rows, DataField field, int count)
        {
            _count = count;
            if (field.IsNullable)
            {
                _nullable = Room(_nullable ?? [], count);
                rows.ReadAsync<T>(field, _nullable.AsMemory(0, count)).GetAwaiter().GetResult();
                return;
            }
            _values = Room(_values ?? [], count);
            rows.ReadAsync<T>(field, _values.AsMemory(0, count)).GetAwaiter().GetResult();
        }

        public override void CopyIntegers(Span<long> values, Span<bool> isNull)
        {
            if (typeof(T) != typeof(long) && typeof(T) != typeof(int)) throw new InvalidOperationException("not a signed 64- or 32-bit integer column");
            if (_values is not null)
            {
                for (int i = 0; i < _count; i++) values[i] = ToInt64(_values[i]);
                isNull[.._count].Clear();
                return;
            }
            for (int i = 0; i < _count; i++)
            {
                isNull[i] = _nullable![i] is null;
                values[i] = _nullable[i] is T present ? ToInt64(present) : 0;
            }
        }

        public override bool TryCopyNumbers(Span<double> values)
        {
            for (int row = 0; row < _count; row++)
            {
                if (TryGetFiniteNumber(row, out values[row])) continue;
                if (_values is not null || _nullable![row] is not null) return false; // NaN, an infinity, or a uint64 that is no long
                values[row] = double.NaN;
            }
            return true;
        }

        private static long ToInt64(T value) => typeof(T) == typeof(long) ? (long)(object)value : (int)(object)value;

        public override bool TryGetInteger(int row, out long value)
        {
            value = 0;
            if (!TryGet(row, out T stored)) return false;
            // The text of a uint64 above long.MaxValue is no long; the other integer types all fit.
            if (typeof(T) == typeof(ulong)) { ulong u = (ulong)(object)stored; value = (long)u; return u <= long.MaxValue; }
            if (typeof(T) == typeof(long)) { value = (long)(object)stored; return true; }
            if (typeof(T) == typeof(int)) { value = (int)(object)stored; return true; }
            if (typeof(T) == typeof(short)) { value = (short)(object)stored; return true; }
            if (typeof(T) == typeof(sbyte)) { value = (sbyte)(object)stored; return true; }
            if (typeof(T) == typeof(uint)) { value = (uint)(object)stored; return true; }
            if (typeof(T) == typeof(ushort)) { value = (ushort)(object)stored; return true; }
            if (typeof(T) == typeof(byte)) { value = (byte)(object)stored; return true; }
            return false;
        }

        /// <summary>
        /// The number the cell's text parses back to: a double or float as itself (the text is its round-trip form), an
        /// integer rounded to the nearest double, as parsing its decimal text rounds it.
        /// </summary>
        public override bool TryGetFiniteNumber(int row, out double value)
        {
            value = 0;
            if (!TryGet(row, out T stored)) return false;
            if (typeof(T) == typeof(double)) value = (double)(object)stored;
            else if (typeof(T) == typeof(float)) value = (float)(object)stored;
            else if (TryGetInteger(row, out long whole)) value = whole;
            else return false;
            return double.IsFinite(value);
        }

        private bool TryGet(int row, out T value)
        {
            if (_values is not null)
            {
                value = _values[row];
                return true;
            }
            if (_nullable![row] is T present)
            {
                value = present;
                return true;
            }
            value = default;
            return false;
        }

        public override ReadOnlySpan<byte> Cell(int row)
        {
            T value;
            if (_values is not null) value = _values[row];
            else if (_nullable![row] is T present) value = present;
            else return default;
            int written;
            // Shortest round-trip text: parsing it back gives the same double; a float is shown as the double it widens to.
            bool done = typeof(T) == typeof(double) ? ((double)(object)value).TryFormat(Scratch, out written, "R", CultureInfo.InvariantCulture)
                : typeof(T) == typeof(float) ? ((double)(float)(object)value).TryFormat(Scratch, out written, "R", CultureInfo.InvariantCulture)
                : value.TryFormat(Scratch, out written, default, CultureInfo.InvariantCulture);
            if (!done) throw new InvalidOperationException("a number longer than 64 bytes");
            return Scratch.AsSpan(0, written);
        }
    }

    /// <summary>A boolean column, as 1 and 0 (how a 0/1 column reads in CSV).</summary>
    private sealed class Flags : Chunk
    {
        private bool?[] _values = [];
        private bool[] _notNullable = [];

        public override void Load(ParquetRowGroupReader rows, DataField field, int count)
        {
            _values = Room(_values, count);
            if (field.IsNullable)
            {
                rows.ReadAsync<bool>(field, _values.AsMemory(0, count)).GetAwaiter().GetResult();
                return;
            }
            _notNullable = Room(_notNullable, count);
            rows.ReadAsync<bool>(field, _notNullable.AsMemory(0, count)).GetAwaiter().GetResult();
            for (int i = 0; i < count; i++) _values[i] = _notNullable[i];
        }

        public override bool TryGetInteger(int row, out long value)
        {
            value = _values[row] == true ? 1 : 0;
            return _values[row] is not null;
        }

        public override bool TryGetFiniteNumber(int row, out double value)
        {
            value = _values[row] == true ? 1 : 0;
            return _values[row] is not null;
        }

        public override ReadOnlySpan<byte> Cell(int row) => _values[row] switch
        {
            true => "1"u8,
            false => "0"u8,
            null => default,
        };
    }

    /// <summary>A binary column: its bytes as stored, so that bytes which are not UTF-8 are caught where they are used, never replaced.</summary>
    private sealed class Binary : Chunk
    {
        private byte[]?[] _values = [];
        private int _count;

        public override void Load(ParquetRowGroupReader rows, DataField field, int count)
        {
            _count = count;
            _values = Room(_values, count);
            rows.ReadAsync(field, _values.AsMemory(0, count)!).GetAwaiter().GetResult();
        }

        public override int FirstInvalid() => Array.FindIndex(_values, 0, _count, v => v is not null && !System.Text.Unicode.Utf8.IsValid(v));

        public override ReadOnlySpan<byte> Cell(int row) => _values[row];
    }

    /// <summary>
    /// A text column, as UTF-8. Parquet.Net decodes it, putting U+FFFD where the bytes were not UTF-8, so a U+FFFD is
    /// taken for such bytes and rejected: replacing them silently could make two different ids one. The values are
    /// read as <see cref="ReadOnlyMemory{T}"/> slices rather than one string per row (a 15M-row column decodes in
    /// about 4 s instead of 7), packed, with the rows that are null marked by their definition level.
    /// </summary>
    private sealed class Text : Chunk
    {
        private ReadOnlyMemory<char>[] _values = []; // the non-null values, in row order
        private int[] _valueOfRow = [];              // each row's place in _values, -1 for null, when rows can be null
        private bool _nullable;
        private int[] _levels = [];
        private string?[] _strings = [];
        private int _count;
        private byte[] _utf8 = new byte[256];

        public override void Load(ParquetRowGroupReader rows, DataField field, int count)
        {
            _count = count;
            _nullable = field.IsNullable;
            _values = Room(_values, count);
            Memory<int>? levels = null;
            if (_nullable)
            {
                _levels = Room(_levels, count);
                levels = _levels.AsMemory(0, count);
            }
            if (field.ClrType == typeof(ReadOnlyMemory<char>))
            {
                rows.ReadRawAsync<ReadOnlyMemory<char>>(field, _values.AsMemory(0, count), levels, null).GetAwaiter().GetResult();
            }
            else
            {
                // Read as strings where the column is shown as strings; nulls then stand in their rows, so pack them here.
                _strings = Room(_strings, count);
                rows.ReadAsync(field, _strings.AsMemory(0, count)!).GetAwaiter().GetResult();
                int packed = 0;
                for (int row = 0; row < count; row++)
                {
                    if (_nullable) _levels[row] = _strings[row] is null ? 0 : field.MaxDefinitionLevel;
                    if (_strings[row] is string value) _values[packed++] = value.AsMemory();
                }
            }
            if (!_nullable) return;
            _valueOfRow = Room(_valueOfRow, count);
            int next = 0;
            for (int row = 0; row < count; row++) _valueOfRow[row] = _levels[row] == field.MaxDefinitionLevel ? next++ : -1;
        }

        /// <summary>The first row whose text holds U+FFFD (bytes that were not UTF-8), or -1.</summary>
        public override int FirstInvalid()
        {
            for (int row = 0; row < _count; row++)
            {
                if (TryGetValue(row, out var value) && value.Span.Contains('\uFFFD')) return row;
            }
            return -1;
        }

        public override ReadOnlySpan<byte> Cell(int row)
        {
            if (!TryGetValue(row, out var value)) return default;
            int most = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (_utf8.Length < most) _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
            return _utf8.AsSpan(0, Encoding.UTF8.GetBytes(value.Span, _utf8));
        }

        private bool TryGetValue(int row, out ReadOnlyMemory<char> value)
        {
            int at = _nullable ? _valueOfRow[row] : row;
            value = at >= 0 ? _values[at] : default;
            return at >= 0;
        }
    }
}
