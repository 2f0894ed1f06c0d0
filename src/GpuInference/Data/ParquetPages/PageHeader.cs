namespace GpuInference.Data.ParquetPages;

/// <summary>Parquet's page types (parquet.thrift <c>PageType</c>).</summary>
internal enum PageType
{
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
}

/// <summary>
/// The fields of a Parquet page header that reading a flat column needs (parquet.thrift <c>PageHeader</c>, with its
/// <c>DataPageHeader</c>, <c>DictionaryPageHeader</c> and <c>DataPageHeaderV2</c> folded in); statistics and the rest
/// are skipped.
/// </summary>
internal struct PageHeader
{
    public PageType Type;
    public int UncompressedSize;
    public int CompressedSize;
    /// <summary>CRC-32 of the page's bytes after the header, as written (optional in the format).</summary>
    public int? Crc;
    public int NumValues;
    public int Encoding;
    public int DefinitionLevelEncoding;
    public int NumNulls;
    public int DefinitionLevelsLength;  // data page v2: bytes of definition levels, never compressed
    public int RepetitionLevelsLength;  // data page v2: bytes of repetition levels, never compressed
    public bool IsCompressed;           // data page v2: whether the values are compressed (the default)
    /// <summary>Bytes the header itself takes.</summary>
    public int Length;

    /// <summary>Reads the header at the start of <paramref name="bytes"/>.</summary>
    public static PageHeader Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new ThriftCompactReader(bytes);
        var header = new PageHeader { Type = (PageType)(-1), UncompressedSize = -1, CompressedSize = -1, IsCompressed = true };
        short last = 0;
        while (reader.NextField(ref last, out short id, out byte type))
        {
            switch (id)
            {
                case 1 when type == ThriftCompactReader.I32: header.Type = (PageType)reader.ReadI32(); break;
                case 2 when type == ThriftCompactReader.I32: header.UncompressedSize = reader.ReadI32(); break;
                case 3 when type == ThriftCompactReader.I32: header.CompressedSize = reader.ReadI32(); break;
                case 4 when type == ThriftCompactReader.I32: header.Crc = reader.ReadI32(); break;
                case 5 when type == ThriftCompactReader.Struct: ReadDataPage(ref reader, ref header); break;
                // A dictionary page header's first fields are a data page header's (values, encoding); its third, a
                // boolean, is skipped by its type.
                case 7 when type == ThriftCompactReader.Struct: ReadDataPage(ref reader, ref header); break;
                case 8 when type == ThriftCompactReader.Struct: ReadDataPageV2(ref reader, ref header); break;
                default: reader.Skip(type); break;
            }
        }
        if (header.UncompressedSize < 0 || header.CompressedSize < 0 || !Enum.IsDefined(header.Type))
            throw new InvalidDataException("page header lacks its type or sizes");
        header.Length = reader.Position;
        return header;
    }

    private static void ReadDataPage(ref ThriftCompactReader reader, ref PageHeader header)
    {
        short last = 0;
        while (reader.NextField(ref last, out short id, out byte type))
        {
            switch (id)
            {
                case 1 when type == ThriftCompactReader.I32: header.NumValues = reader.ReadI32(); break;
                case 2 when type == ThriftCompactReader.I32: header.Encoding = reader.ReadI32(); break;
                case 3 when type == ThriftCompactReader.I32: header.DefinitionLevelEncoding = reader.ReadI32(); break;
                default: reader.Skip(type); break;
            }
        }
    }

    private static void ReadDataPageV2(ref ThriftCompactReader reader, ref PageHeader header)
    {
        short last = 0;
        while (reader.NextField(ref last, out short id, out byte type))
        {
            switch (id)
            {
                case 1 when type == ThriftCompactReader.I32: header.NumValues = reader.ReadI32(); break;
                case 2 when type == ThriftCompactReader.I32: header.NumNulls = reader.ReadI32(); break;
                case 4 when type == ThriftCompactReader.I32: header.Encoding = reader.ReadI32(); break;
                case 5 when type == ThriftCompactReader.I32: header.DefinitionLevelsLength = reader.ReadI32(); break;
                case 6 when type == ThriftCompactReader.I32: header.RepetitionLevelsLength = reader.ReadI32(); break;
                case 7 when type is ThriftCompactReader.BooleanTrue or ThriftCompactReader.BooleanFalse:
                    header.IsCompressed = ThriftCompactReader.BooleanOf(type);
                    break;
                default: reader.Skip(type); break;
            }
        }
    }
}
