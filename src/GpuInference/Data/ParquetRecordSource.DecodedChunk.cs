using System.Globalization;
using GpuInference.Data.ParquetPages;

namespace GpuInference.Data;

internal sealed partial class ParquetRecordSource
{
    /// <summary>
    /// A column decoded by <see cref="ColumnChunkDecoder"/>, giving each row exactly what the general reader's chunks
    /// give for the same column: integers as written, floating-point numbers in their shortest round-trip form,
    /// booleans as 1/0, text and binary values as their bytes, nulls as empty fields. Text is checked to be UTF-8 on its
    /// bytes; a U+FFFD in it is refused too, as the general reader (which cannot tell it from a replaced byte) refuses it.
    /// </summary>
    private sealed class DecodedChunk(DecodedColumn column, bool text) : Chunk
    {
        public override void Load(Parquet.ParquetRowGroupReader rows, Parquet.Schema.DataField field, int count) =>
            throw new InvalidOperationException("a decoded chunk is filled by its decoder");

        private bool IsNull(int row) => column.Nullable && column.IsNull[row];

        private bool IsWhole => column.Kind is DecodedKind.Int32 or DecodedKind.Int64;

        private bool IsReal => column.Kind is DecodedKind.Float or DecodedKind.Double;

        public override ReadOnlySpan<byte> Cell(int row)
        {
            if (IsNull(row)) return default;
            int written;
            switch (column.Kind)
            {
                case DecodedKind.ByteArray:
                    return column.BytesOf(row);
                case DecodedKind.Boolean:
                    return column.Integers[row] != 0 ? "1"u8 : "0"u8;
                case DecodedKind.Float or DecodedKind.Double:
                    if (!column.Reals[row].TryFormat(Scratch, out written, "R", CultureInfo.InvariantCulture)) throw new InvalidOperationException("a number longer than 64 bytes");
                    return Scratch.AsSpan(0, written);
                default:
                    if (!column.Integers[row].TryFormat(Scratch, out written, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("a number longer than 64 bytes");
                    return Scratch.AsSpan(0, written);
            }
        }

        public override bool TryGetInteger(int row, out long value)
        {
            value = 0;
            if (IsNull(row) || !(IsWhole || column.Kind == DecodedKind.Boolean)) return false;
            value = column.Integers[row];
            return true;
        }

        public override bool TryGetFiniteNumber(int row, out double value)
        {
            value = 0;
            if (IsNull(row) || column.Kind == DecodedKind.ByteArray) return false;
            value = IsReal ? column.Reals[row] : column.Integers[row];
            return double.IsFinite(value);
        }

        public override bool TryCopyNumbers(Span<double> values)
        {
            // Booleans and text give no column of numbers, as with the general reader.
            if (!IsWhole && !IsReal) return false;
            for (int row = 0; row < column.Rows; row++)
            {
                if (IsNull(row)) values[row] = double.NaN;
                else if (!TryGetFiniteNumber(row, out values[row])) return false; // NaN or an infinity
            }
            return true;
        }

        public override void CopyIntegers(Span<long> values, Span<bool> isNull)
        {
            if (!IsWhole) throw new InvalidOperationException("not a signed 64- or 32-bit integer column");
            column.Integers.AsSpan(0, column.Rows).CopyTo(values);
            if (column.Nullable) column.IsNull.AsSpan(0, column.Rows).CopyTo(isNull);
            else isNull[..column.Rows].Clear();
        }

        /// <summary>The rows of an integer column as decoded, with their null marks (empty when the column cannot hold nulls).</summary>
        public void GetIntegers(out ReadOnlySpan<long> values, out ReadOnlySpan<bool> isNull)
        {
            if (!IsWhole) throw new InvalidOperationException("not a signed 64- or 32-bit integer column");
            values = column.Integers.AsSpan(0, column.Rows);
            isNull = column.Nullable ? column.IsNull.AsSpan(0, column.Rows) : default;
        }

        public override int FirstInvalid()
        {
            if (column.Kind != DecodedKind.ByteArray || AllValid()) return -1;
            for (int row = 0; row < column.Rows; row++)
            {
                if (!IsNull(row) && !IsValid(column.BytesOf(row))) return row;
            }
            return -1;
        }

        private bool IsValid(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes) && !(text && bytes.IndexOf("\uFFFD"u8) >= 0);

        /// <summary>
        /// Every row valid, checked on all the bytes at once: when the whole is UTF-8 and no row starts inside a
        /// character (on a continuation byte), each row is whole characters, and so is UTF-8 itself.
        /// </summary>
        private bool AllValid()
        {
            if (!IsValid(column.Bytes.AsSpan(0, column.Offsets[column.Rows]))) return false;
            for (int row = 0; row < column.Rows; row++)
            {
                int start = column.Offsets[row];
                if (start < column.Offsets[row + 1] && (column.Bytes[start] & 0xC0) == 0x80) return false;
            }
            return true;
        }
    }
}
