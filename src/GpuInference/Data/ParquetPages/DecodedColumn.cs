namespace GpuInference.Data.ParquetPages;

/// <summary>The physical types of flat Parquet columns that <see cref="ColumnChunkDecoder"/> decodes itself.</summary>
internal enum DecodedKind
{
    Int32,
    Int64,
    Float,
    Double,
    Boolean,
    ByteArray,
}

/// <summary>
/// One column chunk's values, one entry per row: integers (and booleans as 0/1) widened to <see cref="long"/>, floating
/// point numbers to <see cref="double"/>, byte arrays as a slice of one buffer each; a null row holds 0 or no bytes and
/// is marked in <see cref="IsNull"/>. The buffers are kept and reused from row group to row group.
/// </summary>
internal sealed class DecodedColumn
{
    public DecodedKind Kind { get; private set; }

    public int Rows { get; private set; }

    /// <summary>True when the column may hold nulls (then <see cref="IsNull"/> says which rows are).</summary>
    public bool Nullable { get; private set; }

    public bool[] IsNull { get; private set; } = [];

    /// <summary>Int32, Int64 and Boolean rows.</summary>
    public long[] Integers { get; private set; } = [];

    /// <summary>Float and Double rows.</summary>
    public double[] Reals { get; private set; } = [];

    /// <summary>ByteArray rows: row r is <c>Bytes[Offsets[r]..Offsets[r + 1]]</c>.</summary>
    public int[] Offsets { get; private set; } = [];

    public byte[] Bytes { get; private set; } = [];

    /// <summary>Row <paramref name="row"/>'s bytes (ByteArray).</summary>
    public ReadOnlySpan<byte> BytesOf(int row) => Bytes.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    /// <summary>Makes room for <paramref name="rows"/> rows of <paramref name="kind"/>, forgetting the previous ones.</summary>
    public void Reset(DecodedKind kind, int rows, bool nullable)
    {
        Kind = kind;
        Rows = rows;
        Nullable = nullable;
        if (nullable && IsNull.Length < rows) IsNull = new bool[rows];
        switch (kind)
        {
            case DecodedKind.Int32 or DecodedKind.Int64 or DecodedKind.Boolean:
                if (Integers.Length < rows) Integers = new long[rows];
                break;
            case DecodedKind.Float or DecodedKind.Double:
                if (Reals.Length < rows) Reals = new double[rows];
                break;
            default:
                if (Offsets.Length < rows + 1) Offsets = new int[rows + 1];
                Offsets[0] = 0;
                break;
        }
    }

    /// <summary>Appends <paramref name="value"/> as row <paramref name="row"/>'s bytes (rows are filled in order).</summary>
    public void SetBytes(int row, ReadOnlySpan<byte> value)
    {
        int start = Offsets[row];
        if (value.Length > Bytes.Length - start)
        {
            long wanted = Math.Max((long)Bytes.Length * 2, (long)start + value.Length + 4096);
            if ((long)start + value.Length > Array.MaxLength) throw new InvalidDataException("a row group's text takes more than 2 GB");
            var grown = new byte[Math.Min(wanted, Array.MaxLength)];
            Bytes.AsSpan(0, start).CopyTo(grown);
            Bytes = grown;
        }
        value.CopyTo(Bytes.AsSpan(start));
        Offsets[row + 1] = start + value.Length;
    }

    /// <summary>
    /// Marks row <paramref name="row"/> as holding a value or as null (a null row's bytes, if any, empty); true when it
    /// holds a value, which the caller then fills in.
    /// </summary>
    public bool Mark(int row, bool present)
    {
        if (!present)
        {
            SetNull(row);
            return false;
        }
        if (Nullable) IsNull[row] = false;
        return true;
    }

    /// <summary>Marks row <paramref name="row"/> as null (its bytes, if any, empty).</summary>
    public void SetNull(int row)
    {
        IsNull[row] = true;
        if (Kind == DecodedKind.ByteArray) Offsets[row + 1] = Offsets[row];
        else if (Kind is DecodedKind.Float or DecodedKind.Double) Reals[row] = 0;
        else Integers[row] = 0;
    }
}
