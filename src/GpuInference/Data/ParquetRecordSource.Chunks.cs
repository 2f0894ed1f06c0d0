using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace GpuInference.Data;

/// <summary>
/// The general reader's chunks: a column read through Parquet.Net, for what the page reader does not decode (other
/// encodings or codecs, unsigned and narrow integer types).
/// </summary>
internal sealed partial class ParquetRecordSource
{
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
