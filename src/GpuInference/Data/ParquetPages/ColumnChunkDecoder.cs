using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Parquet.Meta;

namespace GpuInference.Data.ParquetPages;

/// <summary>
/// Reads a flat Parquet column chunk straight from the file's pages: checks each page's CRC where the writer stored
/// one, decompresses (none, Snappy, gzip, zstd) and decodes PLAIN and dictionary-encoded values and their definition
/// levels into a <see cref="DecodedColumn"/>. This is the common shape of the files researchers write, and decoding it
/// here avoids the general reader's per-value work (a text column taken as UTF-16 and back; boxed nullables), which
/// was most of a nodes file's load time. Anything else (other encodings or codecs, nested columns, a big-endian
/// machine) returns false, and the caller reads the column through the general reader; page CRCs are checked either
/// way. Damaged bytes throw <see cref="InvalidDataException"/>, a CRC that does not match <see cref="PageChecksumException"/>.
/// One decoder serves one column of one file, keeping its buffers from row group to row group.
/// </summary>
internal sealed class ColumnChunkDecoder : IDisposable
{
    // parquet.thrift Encoding values.
    private const int Plain = 0, PlainDictionary = 2, Rle = 3, BitPacked = 4, DeltaBinaryPacked = 5, DeltaByteArray = 7,
        RleDictionary = 8, ByteStreamSplit = 9;

    private byte[] _chunk = [];
    private byte[] _page = [];
    private int[] _levels = [];
    private int[] _indices = [];
    private readonly DecodedColumn _dictionary = new();
    private int _dictionaryCount = -1;
    private ZstdSharp.Decompressor? _zstd;

    /// <summary>The values the last successful <see cref="TryDecode"/> gave.</summary>
    public DecodedColumn Column { get; } = new();

    /// <summary>The kind this decoder gives for a physical type, or null when it does not decode that type.</summary>
    public static DecodedKind? KindOf(Parquet.Meta.Type type) => type switch
    {
        Parquet.Meta.Type.INT32 => DecodedKind.Int32,
        Parquet.Meta.Type.INT64 => DecodedKind.Int64,
        Parquet.Meta.Type.FLOAT => DecodedKind.Float,
        Parquet.Meta.Type.DOUBLE => DecodedKind.Double,
        Parquet.Meta.Type.BOOLEAN => DecodedKind.Boolean,
        Parquet.Meta.Type.BYTE_ARRAY => DecodedKind.ByteArray,
        _ => null,
    };

    /// <summary>
    /// Reads the chunk described by <paramref name="meta"/> (<paramref name="rows"/> rows, definition levels up to
    /// <paramref name="maxDefinitionLevel"/>) from <paramref name="file"/> into <see cref="Column"/>; false when it is
    /// not a chunk this decoder reads, after its page CRCs have been checked.
    /// </summary>
    public bool TryDecode(SafeFileHandle file, long fileLength, ColumnMetaData meta, int maxDefinitionLevel, int rows)
    {
        long start = meta.DictionaryPageOffset is long dictionary && dictionary > 0 && dictionary < meta.DataPageOffset
            ? dictionary : meta.DataPageOffset;
        long length = meta.TotalCompressedSize;
        // The chunk lies between the leading magic bytes and the footer's length and magic bytes.
        if (start < 4 || length < 0 || start > fileLength - 8 - length)
            throw new InvalidDataException($"its column chunk ({length} bytes at {start}) lies outside the file ({fileLength} bytes)");
        if (length > Array.MaxLength) return false;
        if (_chunk.Length < length) _chunk = new byte[length];
        ReadExactly(file, _chunk.AsSpan(0, (int)length), start);
        var chunk = _chunk.AsSpan(0, (int)length);

        CheckChecksums(chunk);
        DecodedKind? kind = KindOf(meta.Type);
        bool codec = meta.Codec is CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY or CompressionCodec.GZIP or CompressionCodec.ZSTD;
        if (kind == DecodedKind.Boolean && !codec && HasRunLengthValues(chunk))
            throw new NotSupportedException($"booleans run-length encoded and compressed with {meta.Codec} cannot be read here "
                + "(the general reader would take them all for false); write the file with Snappy, gzip, zstd or no compression");
        if (kind is null || !codec || maxDefinitionLevel > 1 || !BitConverter.IsLittleEndian) return false;
        return TryDecodePages(chunk, meta.Codec, kind.Value, maxDefinitionLevel == 1, rows);
    }

    /// <summary>True when a data page of the chunk stores its values run-length encoded.</summary>
    private static bool HasRunLengthValues(ReadOnlySpan<byte> chunk)
    {
        for (int at = 0; at < chunk.Length;)
        {
            PageHeader header = PageHeader.Read(chunk[at..]);
            if (header.Type is PageType.DataPage or PageType.DataPageV2 && header.Encoding == Rle) return true;
            at += header.Length + header.CompressedSize;
        }
        return false;
    }

    /// <summary>Checks the CRC of every page that has one: the CRC-32 of the page's bytes as written, after its header.</summary>
    private static void CheckChecksums(ReadOnlySpan<byte> chunk)
    {
        int page = 0;
        for (int at = 0; at < chunk.Length; page++)
        {
            PageHeader header = PageHeader.Read(chunk[at..]);
            var body = Body(chunk, at, header);
            if (header.Crc is int crc && Crc32.HashToUInt32(body) != (uint)crc)
                throw new PageChecksumException(page, (uint)crc, Crc32.HashToUInt32(body));
            at += header.Length + header.CompressedSize;
        }
    }

    private bool TryDecodePages(ReadOnlySpan<byte> chunk, CompressionCodec codec, DecodedKind kind, bool nullable, int rows)
    {
        Column.Reset(kind, rows, nullable);
        _dictionaryCount = -1;
        int row = 0;
        for (int at = 0; at < chunk.Length;)
        {
            PageHeader header = PageHeader.Read(chunk[at..]);
            var body = Body(chunk, at, header);
            at += header.Length + header.CompressedSize;
            switch (header.Type)
            {
                case PageType.IndexPage:
                    continue;
                case PageType.DictionaryPage:
                {
                    if (row > 0 || _dictionaryCount >= 0) throw new InvalidDataException("a dictionary page follows the first data page");
                    // A page header carries no checksum: a value no writer gives is damage, never a cue to read otherwise.
                    if (header.Encoding is not (Plain or PlainDictionary)) throw new InvalidDataException($"a dictionary page in encoding {header.Encoding}, not PLAIN");
                    if (header.NumValues < 0) throw new InvalidDataException($"a dictionary page holds {header.NumValues} values");
                    var values = Decompress(codec, body, header.UncompressedSize);
                    _dictionary.Reset(kind, header.NumValues, nullable: false);
                    DecodePlain(_dictionary, values, 0, header.NumValues, null);
                    _dictionaryCount = header.NumValues;
                    continue;
                }
                case PageType.DataPage:
                {
                    int count = PageRows(header, rows - row);
                    if (TryDecompressInPlace(codec, header, body, row, count, nullable)) { row += count; continue; }
                    var page = Decompress(codec, body, header.UncompressedSize);
                    Span<int> levels = default;
                    if (nullable)
                    {
                        if (header.DefinitionLevelEncoding == BitPacked) return false; // deprecated, left to the general reader
                        if (header.DefinitionLevelEncoding != Rle) throw new InvalidDataException($"definition levels in encoding {header.DefinitionLevelEncoding}, not RLE");
                        if (page.Length < 4) throw new InvalidDataException("a data page ends before its definition levels");
                        int levelBytes = BinaryPrimitives.ReadInt32LittleEndian(page);
                        if (levelBytes < 0 || levelBytes > page.Length - 4) throw new InvalidDataException("a data page's definition levels run past its end");
                        levels = Levels(page.Slice(4, levelBytes), count);
                        page = page[(4 + levelBytes)..];
                    }
                    if (!TryDecodeValues(header.Encoding, page, row, count, levels)) return false;
                    row += count;
                    continue;
                }
                case PageType.DataPageV2:
                {
                    int count = PageRows(header, rows - row);
                    if (header.RepetitionLevelsLength != 0) throw new InvalidDataException("repetition levels in a flat column");
                    int levelBytes = header.DefinitionLevelsLength;
                    if (levelBytes < 0 || levelBytes > body.Length) throw new InvalidDataException("a data page's definition levels run past its end");
                    Span<int> levels = nullable ? Levels(body[..levelBytes], count) : default;
                    var stored = body[levelBytes..];
                    var values = header.IsCompressed ? Decompress(codec, stored, header.UncompressedSize - levelBytes) : stored;
                    if (!TryDecodeValues(header.Encoding, values, row, count, levels)) return false;
                    row += count;
                    continue;
                }
                default:
                    throw new InvalidDataException($"a page of unknown type {(int)header.Type}");
            }
        }
        if (row != rows) throw new InvalidDataException($"its pages hold {row} values for the row group's {rows} rows");
        return true;
    }

    /// <summary>
    /// A page of 8-byte numbers with no nulls, PLAIN, compressed: its values are the rows' own bytes, so it is
    /// decompressed straight into the rows, sparing a copy of every value (most of an edges file's work after Snappy).
    /// </summary>
    private bool TryDecompressInPlace(CompressionCodec codec, PageHeader header, ReadOnlySpan<byte> body, int row, int count, bool nullable)
    {
        if (nullable || header.Encoding != Plain || codec == CompressionCodec.UNCOMPRESSED || (long)count * 8 != header.UncompressedSize) return false;
        Span<byte> rows = Column.Kind switch
        {
            DecodedKind.Int64 => MemoryMarshal.AsBytes(Column.Integers.AsSpan(row, count)),
            DecodedKind.Double => MemoryMarshal.AsBytes(Column.Reals.AsSpan(row, count)),
            _ => default,
        };
        if (rows.IsEmpty && count > 0) return false;
        DecompressInto(codec, body, rows);
        return true;
    }

    /// <summary>The page's bytes after its header, as written.</summary>
    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> chunk, int at, PageHeader header)
    {
        if (header.CompressedSize > chunk.Length - at - header.Length) throw new InvalidDataException("a page runs past the end of its column chunk");
        return chunk.Slice(at + header.Length, header.CompressedSize);
    }

    private static int PageRows(PageHeader header, int rowsLeft)
    {
        if (header.NumValues < 0 || header.NumValues > rowsLeft)
            throw new InvalidDataException($"a data page holds {header.NumValues} values where {rowsLeft} rows are left");
        return header.NumValues;
    }

    /// <summary>
    /// Definition levels (bit width 1: 1 for a value, 0 for a null) of <paramref name="count"/> rows. Runs may cover
    /// more than the rows (a writer may end with a longer run, or write one for a page of no values), so bytes left
    /// over are not taken for damage here, as they are after PLAIN values.
    /// </summary>
    private Span<int> Levels(ReadOnlySpan<byte> encoded, int count)
    {
        if (_levels.Length < count) _levels = new int[count];
        var levels = _levels.AsSpan(0, count);
        HybridRunDecoder.Decode(encoded, 1, levels);
        return levels;
    }

    /// <summary>
    /// Decodes the values of rows <paramref name="row"/>.. (<paramref name="count"/> of them, a null wherever
    /// <paramref name="levels"/> holds 0); false for an encoding this decoder does not read.
    /// </summary>
    private bool TryDecodeValues(int encoding, ReadOnlySpan<byte> values, int row, int count, Span<int> levels)
    {
        int present = levels.IsEmpty ? count : count - levels.Count(0);
        switch (encoding)
        {
            case Plain:
                DecodePlain(Column, values, row, count, levels.IsEmpty ? null : levels);
                return true;
            case PlainDictionary or RleDictionary:
            {
                if (_dictionaryCount < 0) throw new InvalidDataException("a dictionary-encoded page with no dictionary page before it");
                if (values.IsEmpty) throw new InvalidDataException("a dictionary-encoded page lacks its bit width");
                if (_indices.Length < present) _indices = new int[present];
                var indices = _indices.AsSpan(0, present);
                HybridRunDecoder.Decode(values[1..], values[0], indices);
                foreach (int index in indices)
                {
                    if ((uint)index >= (uint)_dictionaryCount) throw new InvalidDataException($"dictionary index {index} is past the dictionary's {_dictionaryCount} values");
                }
                Gather(indices, row, count, levels);
                return true;
            }
            case Rle when Column.Kind == DecodedKind.Boolean:
            {
                if (values.Length < 4) throw new InvalidDataException("an RLE boolean page ends before its length");
                int length = BinaryPrimitives.ReadInt32LittleEndian(values);
                if (length < 0 || length > values.Length - 4) throw new InvalidDataException("an RLE boolean page runs past its end");
                if (_indices.Length < present) _indices = new int[present];
                var bits = _indices.AsSpan(0, present);
                HybridRunDecoder.Decode(values.Slice(4, length), 1, bits);
                int next = 0;
                for (int i = 0; i < count; i++)
                {
                    if (Column.Mark(row + i, levels.IsEmpty || levels[i] != 0)) Column.Integers[row + i] = bits[next++];
                }
                return true;
            }
            case DeltaBinaryPacked or 6 or DeltaByteArray or ByteStreamSplit:
                return false; // encodings the general reader reads
            default:
                throw new InvalidDataException($"values in encoding {encoding}, which a {Column.Kind} column does not use");
        }
    }

    /// <summary>PLAIN values into <paramref name="into"/>'s rows <paramref name="row"/>.. (nulls where <paramref name="levels"/> holds 0).</summary>
    private static void DecodePlain(DecodedColumn into, ReadOnlySpan<byte> values, int row, int count, Span<int> levels)
    {
        bool hasNulls = !levels.IsEmpty;
        int present = hasNulls ? count - levels.Count(0) : count;
        if (into.Nullable && !hasNulls) into.IsNull.AsSpan(row, count).Clear();
        switch (into.Kind)
        {
            case DecodedKind.Int64 or DecodedKind.Double or DecodedKind.Int32 or DecodedKind.Float:
            {
                int width = into.Kind is DecodedKind.Int64 or DecodedKind.Double ? 8 : 4;
                if ((long)present * width != values.Length) throw PlainSize(values.Length, present);
                if (!hasNulls && into.Kind == DecodedKind.Int64)
                {
                    MemoryMarshal.Cast<byte, long>(values[..(count * 8)]).CopyTo(into.Integers.AsSpan(row, count));
                    return;
                }
                if (!hasNulls && into.Kind == DecodedKind.Double)
                {
                    MemoryMarshal.Cast<byte, double>(values[..(count * 8)]).CopyTo(into.Reals.AsSpan(row, count));
                    return;
                }
                int next = 0;
                for (int i = 0; i < count; i++)
                {
                    if (!into.Mark(row + i, !hasNulls || levels[i] != 0)) continue;
                    var cell = values.Slice(next++ * width, width);
                    switch (into.Kind)
                    {
                        case DecodedKind.Int64: into.Integers[row + i] = BinaryPrimitives.ReadInt64LittleEndian(cell); break;
                        case DecodedKind.Int32: into.Integers[row + i] = BinaryPrimitives.ReadInt32LittleEndian(cell); break;
                        case DecodedKind.Double: into.Reals[row + i] = BinaryPrimitives.ReadDoubleLittleEndian(cell); break;
                        default: into.Reals[row + i] = BinaryPrimitives.ReadSingleLittleEndian(cell); break;
                    }
                }
                return;
            }
            case DecodedKind.Boolean:
            {
                if ((present + 7) / 8 != values.Length) throw PlainSize(values.Length, present);
                int next = 0;
                for (int i = 0; i < count; i++)
                {
                    if (!into.Mark(row + i, !hasNulls || levels[i] != 0)) continue;
                    into.Integers[row + i] = (values[next >> 3] >> (next & 7)) & 1;
                    next++;
                }
                return;
            }
            default:
            {
                int at = 0;
                for (int i = 0; i < count; i++)
                {
                    if (!into.Mark(row + i, !hasNulls || levels[i] != 0)) continue;
                    if (values.Length - at < 4) throw new InvalidDataException("a page ends before its values do");
                    int length = BinaryPrimitives.ReadInt32LittleEndian(values[at..]);
                    if (length < 0 || length > values.Length - at - 4) throw new InvalidDataException("a page ends before its values do");
                    into.SetBytes(row + i, values.Slice(at + 4, length));
                    at += 4 + length;
                }
                if (at != values.Length) throw PlainSize(values.Length, present);
                return;
            }
        }
    }

    /// <summary>PLAIN values fill their page exactly: more or fewer bytes than the values take is damage (a page header has no checksum).</summary>
    private static InvalidDataException PlainSize(int bytes, int values) => new($"a page's {bytes} bytes of values do not hold exactly its {values} values");

    /// <summary>Rows <paramref name="row"/>.. from the dictionary, by index (nulls where <paramref name="levels"/> holds 0).</summary>
    private void Gather(ReadOnlySpan<int> indices, int row, int count, Span<int> levels)
    {
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            if (!Column.Mark(row + i, levels.IsEmpty || levels[i] != 0)) continue;
            int index = indices[next++];
            switch (Column.Kind)
            {
                case DecodedKind.ByteArray: Column.SetBytes(row + i, _dictionary.BytesOf(index)); break;
                case DecodedKind.Float or DecodedKind.Double: Column.Reals[row + i] = _dictionary.Reals[index]; break;
                default: Column.Integers[row + i] = _dictionary.Integers[index]; break;
            }
        }
    }

    /// <summary>A page's bytes decompressed to <paramref name="size"/> bytes (the size its header gives).</summary>
    private ReadOnlySpan<byte> Decompress(CompressionCodec codec, ReadOnlySpan<byte> stored, int size)
    {
        if (size < 0) throw new InvalidDataException($"a page's uncompressed size is {size}");
        if (codec == CompressionCodec.UNCOMPRESSED)
        {
            if (stored.Length != size) throw new InvalidDataException($"an uncompressed page of {stored.Length} bytes says it holds {size}");
            return stored;
        }
        if (_page.Length < size) _page = new byte[Math.Max(size, Math.Min((long)_page.Length * 2, Array.MaxLength))];
        var output = _page.AsSpan(0, size);
        DecompressInto(codec, stored, output);
        return output;
    }

    /// <summary>Decompresses <paramref name="stored"/> into exactly <paramref name="output"/>; any other size is damage.</summary>
    private void DecompressInto(CompressionCodec codec, ReadOnlySpan<byte> stored, Span<byte> output)
    {
        int written = codec switch
        {
            CompressionCodec.SNAPPY => Snappier.Snappy.Decompress(stored, output),
            CompressionCodec.ZSTD => (_zstd ??= new ZstdSharp.Decompressor()).Unwrap(stored, output),
            _ => Gunzip(stored, output),
        };
        if (written != output.Length) throw new InvalidDataException($"a page decompresses to {written} bytes, not the {output.Length} its header gives");
    }

    private static int Gunzip(ReadOnlySpan<byte> stored, Span<byte> output)
    {
        unsafe
        {
            fixed (byte* bytes = stored)
            {
                using var source = new UnmanagedMemoryStream(bytes, stored.Length);
                using var gzip = new GZipStream(source, CompressionMode.Decompress);
                int written = gzip.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
                // Anything after the size the header gives is as wrong as too little.
                if (written == output.Length && gzip.ReadByte() >= 0) written++;
                return written;
            }
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read <= 0) throw new InvalidDataException("the file ends inside a column chunk");
            buffer = buffer[read..];
            offset += read;
        }
    }

    public void Dispose() => _zstd?.Dispose();
}

/// <summary>A page whose CRC-32 differs from the one its header stores: the bytes changed after they were written.</summary>
internal sealed class PageChecksumException(int page, uint stored, uint computed)
    : Exception($"page {page} of the column chunk fails its CRC check (stored {stored:x8}, computed {computed:x8}): the file is damaged")
{
    public int Page { get; } = page;
}
