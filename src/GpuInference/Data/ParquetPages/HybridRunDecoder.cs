namespace GpuInference.Data.ParquetPages;

/// <summary>
/// Decodes Parquet's RLE / bit-packing hybrid, which stores definition levels, dictionary indices and RLE booleans:
/// runs of one repeated value, and groups of eight values packed at a fixed bit width, least significant bit first.
/// </summary>
internal static class HybridRunDecoder
{
    /// <summary>
    /// Fills <paramref name="output"/> from <paramref name="data"/> at <paramref name="bitWidth"/> bits per value (0 to
    /// 32); returns the bytes used. Data that ends before every value is read throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> data, int bitWidth, Span<int> output)
    {
        if ((uint)bitWidth > 32) throw new InvalidDataException($"bit width {bitWidth} is more than 32");
        int at = 0, filled = 0;
        int valueBytes = (bitWidth + 7) / 8;
        while (filled < output.Length)
        {
            ulong header = ReadVarint(data, ref at);
            if ((header & 1) == 0)
            {
                // A run: the count, then the value in just enough whole bytes.
                long count = (long)(header >> 1);
                if (at + valueBytes > data.Length) throw Short();
                int value = 0;
                for (int b = 0; b < valueBytes; b++) value |= data[at + b] << (8 * b);
                at += valueBytes;
                if (bitWidth < 32 && (uint)value >> bitWidth != 0) throw new InvalidDataException($"a run's value {value} does not fit in {bitWidth} bits");
                int take = (int)Math.Min(count, output.Length - filled);
                output.Slice(filled, take).Fill(value);
                filled += take;
            }
            else
            {
                // Groups of eight packed values; the last group may pad past the values wanted.
                long groups = (long)(header >> 1);
                long bytes = groups * bitWidth;
                if (bytes > data.Length - at) throw Short();
                int take = (int)Math.Min(groups * 8, output.Length - filled);
                Unpack(data.Slice(at, (int)bytes), bitWidth, output.Slice(filled, take));
                at += (int)bytes;
                filled += take;
            }
        }
        return at;
    }

    private static void Unpack(ReadOnlySpan<byte> packed, int bitWidth, Span<int> output)
    {
        if (bitWidth == 0)
        {
            output.Clear();
            return;
        }
        ulong buffer = 0, mask = (1UL << bitWidth) - 1;
        int bits = 0, at = 0;
        for (int i = 0; i < output.Length; i++)
        {
            while (bits < bitWidth)
            {
                buffer |= (ulong)packed[at++] << bits;
                bits += 8;
            }
            output[i] = (int)(buffer & mask);
            buffer >>= bitWidth;
            bits -= bitWidth;
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length) throw Short();
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("a run header longer than 10 bytes");
    }

    private static InvalidDataException Short() => new("levels or indices end before every value is read");
}
