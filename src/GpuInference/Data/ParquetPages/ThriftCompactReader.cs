namespace GpuInference.Data.ParquetPages;

/// <summary>
/// Reads Thrift's compact protocol, the encoding of Parquet's page headers: only what a page header needs (integers,
/// booleans, nested structs) and skipping of the rest. Field ids are deltas from the previous field of the same
/// struct, so each struct's reader keeps its own last id (<c>ref short last</c>). Reading past the end, or structs
/// nested deeper than any Parquet header nests them, throws <see cref="InvalidDataException"/>: the bytes are damaged.
/// </summary>
internal ref struct ThriftCompactReader(ReadOnlySpan<byte> data)
{
    /// <summary>Compact-protocol type codes (the low nibble of a field header).</summary>
    public const byte BooleanTrue = 1, BooleanFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8,
        List = 9, Set = 10, Map = 11, Struct = 12;

    // Parquet's headers nest three deep (page header → data page header → statistics); allow generous room.
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data = data;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>
    /// Reads the next field header of a struct whose previous field id is <paramref name="last"/>; false at the
    /// struct's end (the stop byte).
    /// </summary>
    public bool NextField(ref short last, out short id, out byte type)
    {
        byte header = ReadByte();
        id = 0;
        type = (byte)(header & 0x0F);
        if (header == 0) return false;
        int delta = header >> 4;
        id = delta != 0 ? checked((short)(last + delta)) : checked((short)ZigZag(ReadVarint()));
        last = id;
        return true;
    }

    /// <summary>A 32-bit integer field (zigzag varint).</summary>
    public int ReadI32() => checked((int)ZigZag(ReadVarint()));

    /// <summary>A 64-bit integer field (zigzag varint).</summary>
    public long ReadI64() => ZigZag(ReadVarint());

    /// <summary>A boolean field, whose value is its header's type code.</summary>
    public static bool BooleanOf(byte type) => type == BooleanTrue;

    /// <summary>Skips a value of <paramref name="type"/>.</summary>
    public void Skip(byte type, int depth = 0)
    {
        if (depth > MaxDepth) throw new InvalidDataException("page header nests too deeply");
        switch (type)
        {
            case BooleanTrue or BooleanFalse:
                return; // a boolean field's value is in its header
            case Byte:
                ReadByte();
                return;
            case I16 or I32 or I64:
                ReadVarint();
                return;
            case Double:
                Advance(8);
                return;
            case Binary:
                Advance(checked((int)ReadVarint()));
                return;
            case List or Set:
            {
                byte header = ReadByte();
                long count = header >> 4;
                if (count == 15) count = (long)ReadVarint();
                byte element = (byte)(header & 0x0F);
                for (long i = 0; i < count; i++)
                {
                    if (element is BooleanTrue or BooleanFalse) ReadByte(); // a boolean element takes a byte of its own
                    else Skip(element, depth + 1);
                }
                return;
            }
            case Map:
            {
                long count = (long)ReadVarint();
                if (count == 0) return;
                byte types = ReadByte();
                for (long i = 0; i < count; i++)
                {
                    Skip((byte)(types >> 4), depth + 1);
                    Skip((byte)(types & 0x0F), depth + 1);
                }
                return;
            }
            case Struct:
            {
                short last = 0;
                while (NextField(ref last, out _, out byte field)) Skip(field, depth + 1);
                return;
            }
            default:
                throw new InvalidDataException($"page header holds an unknown Thrift type {type}");
        }
    }

    private byte ReadByte()
    {
        if (Position >= _data.Length) throw new InvalidDataException("page header runs past the end of its column chunk");
        return _data[Position++];
    }

    private void Advance(int bytes)
    {
        if (bytes < 0 || bytes > _data.Length - Position) throw new InvalidDataException("page header runs past the end of its column chunk");
        Position += bytes;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("page header holds a varint longer than 10 bytes");
    }

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
