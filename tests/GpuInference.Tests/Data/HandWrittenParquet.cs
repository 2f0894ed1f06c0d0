using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace GpuInference.Tests.Data;

/// <summary>
/// Writes small Parquet files byte by byte, straight from the format's specification, for the page shapes that
/// Parquet.Net does not write: data pages of version 2, page CRCs, several pages per column chunk, dictionary-encoded
/// integers, RLE booleans, uncompressed, Snappy and Brotli pages. Each column is flat: 64-bit integers (<see cref="long"/>?),
/// text (<see cref="string"/>) or booleans (<see cref="bool"/>?), required when it holds no null. The tests read each
/// file with Parquet.Net too, so a mistake here cannot pass unseen.
/// </summary>
public static class HandWrittenParquet
{
    public enum Values { Plain, Dictionary, Rle }

    /// <summary>How pages are cut and written.</summary>
    public sealed record Layout(int PageVersion = 1, bool Crc = false, bool Snappy = false, int RowsPerPage = int.MaxValue, Values Encoding = Values.Plain, bool Brotli = false)
    {
        public bool Compressed => Snappy || Brotli;

        /// <summary>parquet.thrift CompressionCodec.</summary>
        public int Codec => Snappy ? 1 : Brotli ? 4 : 0;

        public byte[] Compress(byte[] bytes)
        {
            if (Snappy) return Snappier.Snappy.CompressToArray(bytes);
            if (!Brotli) return bytes;
            var output = new byte[System.IO.Compression.BrotliEncoder.GetMaxCompressedLength(bytes.Length)];
            if (!System.IO.Compression.BrotliEncoder.TryCompress(bytes, output, out int written)) throw new InvalidOperationException("brotli");
            return output[..written];
        }
    }

    public sealed record Column(string Name, Array Values);

    // parquet.thrift enums.
    private const int Boolean = 0, Int64 = 2, ByteArray = 6;
    private const int Plain = 0, Rle = 3, RleDictionary = 8;

    /// <summary>Writes <paramref name="columns"/> in row groups of <paramref name="rowGroupRows"/>; returns <paramref name="path"/>.</summary>
    public static string Write(string path, int rowGroupRows, Layout layout, params Column[] columns)
    {
        int rows = columns[0].Values.Length;
        using var file = new MemoryStream();
        file.Write("PAR1"u8);
        var groups = new List<(long Rows, List<(long Offset, long Data, long? Dictionary, long Size, long Raw)> Chunks)>();
        for (int start = 0; start < rows; start += rowGroupRows)
        {
            int n = Math.Min(rowGroupRows, rows - start);
            var chunks = new List<(long, long, long?, long, long)>();
            foreach (Column column in columns) chunks.Add(WriteChunk(file, column, start, n, layout));
            groups.Add((n, chunks));
        }
        byte[] footer = Footer(columns, rows, groups, layout);
        file.Write(footer);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
        file.Write(length);
        file.Write("PAR1"u8);
        File.WriteAllBytes(path, file.ToArray());
        return path;
    }

    private static bool Nullable(Column column) => column.Values switch
    {
        long?[] v => v.Any(x => x is null),
        bool?[] v => v.Any(x => x is null),
        string[] v => v.Any(x => x is null),
        _ => throw new ArgumentException("columns hold long?, bool? or string values"),
    };

    private static int TypeOf(Column column) => column.Values switch { long?[] => Int64, bool?[] => Boolean, _ => ByteArray };

    private static (long Offset, long Data, long? Dictionary, long Size, long Raw) WriteChunk(MemoryStream file, Column column, int start, int n, Layout layout)
    {
        long first = file.Position;
        long raw = 0;
        bool nullable = Nullable(column);
        object?[] cells = [.. Enumerable.Range(start, n).Select(i => column.Values.GetValue(i))];
        List<object> dictionary = [];
        long? dictionaryOffset = null;
        if (layout.Encoding == Values.Dictionary)
        {
            dictionary = [.. cells.Where(c => c is not null).Distinct().Select(c => c!)];
            dictionaryOffset = file.Position;
            raw += WritePage(file, 2, dictionary.Count, 0, PlainValues(column, dictionary), [], layout, nullable);
        }
        long dataOffset = file.Position;
        for (int at = 0; at < n; at += layout.RowsPerPage)
        {
            var page = cells.Skip(at).Take(Math.Min(layout.RowsPerPage, n - at)).ToArray();
            var present = page.Where(c => c is not null).ToList();
            byte[] levels = nullable ? Hybrid([.. page.Select(c => c is null ? 0 : 1)], 1) : [];
            byte[] values = layout.Encoding switch
            {
                Values.Dictionary => [(byte)BitWidth(dictionary.Count), .. Hybrid([.. present.Select(c => dictionary.IndexOf(c!))], BitWidth(dictionary.Count))],
                Values.Rle => WithLength(Hybrid([.. present.Select(c => (bool)c! ? 1 : 0)], 1)),
                _ => PlainValues(column, present!),
            };
            raw += WritePage(file, layout.PageVersion == 2 ? 3 : 0, page.Length, page.Length - present.Count, values, levels, layout, nullable);
        }
        return (first, dataOffset, dictionaryOffset, file.Position - first, raw);
    }

    /// <summary>One page: its header, then its levels and values as the page version lays them out.</summary>
    private static long WritePage(MemoryStream file, int type, int count, int nulls, byte[] values, byte[] levels, Layout layout, bool nullable)
    {
        byte[] body, uncompressed;
        if (type == 3)
        {
            // Version 2: definition levels first and never compressed, then the values, compressed.
            byte[] stored = layout.Compress(values);
            body = [.. levels, .. stored];
            uncompressed = [.. levels, .. values];
        }
        else
        {
            uncompressed = type == 0 && nullable ? [.. WithLength(levels), .. values] : values;
            body = layout.Compress(uncompressed);
        }
        var header = new ThriftWriter();
        header.I32(1, type);
        header.I32(2, uncompressed.Length);
        header.I32(3, body.Length);
        if (layout.Crc) header.I32(4, (int)Crc32.HashToUInt32(body));
        int encoding = layout.Encoding switch { Values.Dictionary => RleDictionary, Values.Rle => Rle, _ => Plain };
        switch (type)
        {
            case 0:
                header.BeginStruct(5);
                header.I32(1, count);
                header.I32(2, encoding);
                header.I32(3, Rle);
                header.I32(4, Rle);
                header.EndStruct();
                break;
            case 2:
                header.BeginStruct(7);
                header.I32(1, count);
                header.I32(2, Plain);
                header.EndStruct();
                break;
            default:
                header.BeginStruct(8);
                header.I32(1, count);
                header.I32(2, nulls);
                header.I32(3, count);
                header.I32(4, encoding);
                header.I32(5, levels.Length);
                header.I32(6, 0);
                header.Bool(7, layout.Compressed);
                header.EndStruct();
                break;
        }
        header.Stop();
        file.Write(header.ToArray());
        file.Write(body);
        return header.Length + uncompressed.Length;
    }

    private static byte[] PlainValues(Column column, IReadOnlyList<object> values)
    {
        var bytes = new List<byte>();
        switch (column.Values)
        {
            case long?[]:
                foreach (long v in values) bytes.AddRange(BitConverter.GetBytes(v));
                break;
            case bool?[]:
                var packed = new byte[(values.Count + 7) / 8];
                for (int i = 0; i < values.Count; i++) packed[i / 8] |= (byte)((bool)values[i] ? 1 << (i % 8) : 0);
                bytes.AddRange(packed);
                break;
            default:
                foreach (string v in values)
                {
                    byte[] utf8 = Encoding.UTF8.GetBytes(v);
                    bytes.AddRange(BitConverter.GetBytes(utf8.Length));
                    bytes.AddRange(utf8);
                }
                break;
        }
        return [.. bytes];
    }

    private static int BitWidth(int count) => count <= 1 ? 1 : 32 - int.LeadingZeroCount(count - 1);

    /// <summary>The hybrid encoding, as one bit-packed run of groups of eight (the last group padded with zeros).</summary>
    private static byte[] Hybrid(int[] values, int bitWidth)
    {
        int groups = (values.Length + 7) / 8;
        var bytes = new List<byte>();
        ulong header = ((ulong)groups << 1) | 1;
        do
        {
            byte b = (byte)(header & 0x7F);
            header >>= 7;
            bytes.Add(header != 0 ? (byte)(b | 0x80) : b);
        }
        while (header != 0);
        var packed = new byte[groups * bitWidth];
        for (int i = 0; i < values.Length; i++)
        {
            for (int bit = 0; bit < bitWidth; bit++)
            {
                if (((values[i] >> bit) & 1) != 0) packed[(i * bitWidth + bit) / 8] |= (byte)(1 << ((i * bitWidth + bit) % 8));
            }
        }
        bytes.AddRange(packed);
        return [.. bytes];
    }

    private static byte[] WithLength(byte[] bytes) => [.. BitConverter.GetBytes(bytes.Length), .. bytes];

    private static byte[] Footer(Column[] columns, int rows, List<(long Rows, List<(long Offset, long Data, long? Dictionary, long Size, long Raw)> Chunks)> groups, Layout layout)
    {
        var meta = new ThriftWriter();
        meta.I32(1, 1);
        meta.BeginList(2, ThriftWriter.Struct, columns.Length + 1);
        meta.BeginElement();
        meta.Binary(4, "schema");
        meta.I32(5, columns.Length);
        meta.EndStruct();
        foreach (Column column in columns)
        {
            meta.BeginElement();
            meta.I32(1, TypeOf(column));
            meta.I32(3, Nullable(column) ? 1 : 0);
            meta.Binary(4, column.Name);
            if (column.Values is string[]) meta.I32(6, 0); // UTF8
            meta.EndStruct();
        }
        meta.I64(3, rows);
        meta.BeginList(4, ThriftWriter.Struct, groups.Count);
        foreach (var (groupRows, chunks) in groups)
        {
            meta.BeginElement();
            meta.BeginList(1, ThriftWriter.Struct, chunks.Count);
            for (int c = 0; c < chunks.Count; c++)
            {
                var chunk = chunks[c];
                meta.BeginElement();
                meta.I64(2, chunk.Offset);
                meta.BeginStruct(3);
                meta.I32(1, TypeOf(columns[c]));
                int encoding = layout.Encoding switch { Values.Dictionary => RleDictionary, Values.Rle => Rle, _ => Plain };
                meta.I32List(2, [Plain, Rle, encoding]);
                meta.BinaryList(3, [columns[c].Name]);
                meta.I32(4, layout.Codec);
                meta.I64(5, groupRows);
                meta.I64(6, chunk.Raw);
                meta.I64(7, chunk.Size);
                meta.I64(9, chunk.Data);
                if (chunk.Dictionary is long dictionary) meta.I64(11, dictionary);
                meta.EndStruct();
                meta.EndStruct();
            }
            meta.I64(2, chunks.Sum(c => c.Raw));
            meta.I64(3, groupRows);
            meta.EndStruct();
        }
        meta.Stop();
        return meta.ToArray();
    }

    /// <summary>Thrift's compact protocol, as much of it as a footer and a page header need.</summary>
    private sealed class ThriftWriter
    {
        public const byte Struct = 12;
        private readonly MemoryStream _bytes = new();
        private readonly Stack<short> _last = new();
        private short _lastId;

        public int Length => (int)_bytes.Length;

        public byte[] ToArray() => _bytes.ToArray();

        public void I32(short id, int value) { Field(id, 5); Varint(ZigZag(value)); }

        public void I64(short id, long value) { Field(id, 6); Varint(ZigZag(value)); }

        public void Bool(short id, bool value) => Field(id, (byte)(value ? 1 : 2));

        public void Binary(short id, string value) { Field(id, 8); Bytes(Encoding.UTF8.GetBytes(value)); }

        public void BeginStruct(short id) { Field(id, Struct); _last.Push(_lastId); _lastId = 0; }

        public void EndStruct() { _bytes.WriteByte(0); _lastId = _last.Pop(); }

        /// <summary>Starts a struct that is an element of a list.</summary>
        public void BeginElement() { _last.Push(_lastId); _lastId = 0; }

        public void Stop() => _bytes.WriteByte(0);

        public void BeginList(short id, byte elementType, int count)
        {
            Field(id, 9);
            if (count < 15) _bytes.WriteByte((byte)(count << 4 | elementType));
            else { _bytes.WriteByte((byte)(0xF0 | elementType)); Varint((ulong)count); }
        }

        public void I32List(short id, int[] values)
        {
            BeginList(id, 5, values.Length);
            foreach (int v in values) Varint(ZigZag(v));
        }

        public void BinaryList(short id, string[] values)
        {
            BeginList(id, 8, values.Length);
            foreach (string v in values) Bytes(Encoding.UTF8.GetBytes(v));
        }

        private void Field(short id, byte type)
        {
            int delta = id - _lastId;
            if (delta is > 0 and <= 15) _bytes.WriteByte((byte)(delta << 4 | type));
            else { _bytes.WriteByte(type); Varint(ZigZag(id)); }
            _lastId = id;
        }

        private void Bytes(byte[] value) { Varint((ulong)value.Length); _bytes.Write(value); }

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.WriteByte((byte)value);
        }

        private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
    }
}
