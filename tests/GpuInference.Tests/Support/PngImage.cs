using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuInference.Tests.Support;

/// <summary>
/// A decoded 8-bit RGB or RGBA PNG (what a browser's screenshot is), enough to look at its pixels in a test: chunks,
/// one zlib stream of filtered scanlines, the five PNG filters. No palette, no 16-bit, no interlacing.
/// </summary>
public sealed class PngImage
{
    private readonly byte[] _pixels; // RGB, row by row
    private PngImage(int width, int height, byte[] pixels) => (Width, Height, _pixels) = (width, height, pixels);

    public int Width { get; }
    public int Height { get; }

    /// <summary>The colour at (x, y) as (red, green, blue).</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    public static PngImage Read(string path) => Decode(File.ReadAllBytes(path));

    public static PngImage Decode(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("not a PNG");
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            ReadOnlySpan<byte> data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                byte depth = data[8], colour = data[9], interlace = data[12];
                if (depth != 8 || interlace != 0 || (colour != 2 && colour != 6))
                    throw new NotSupportedException($"PNG depth {depth}, colour type {colour}, interlace {interlace}");
                channels = colour == 2 ? 3 : 4;
            }
            else if (type == "IDAT") compressed.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        if (channels == 0) throw new InvalidDataException("PNG without a header");

        int stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        using (var inflate = new ZLibStream(compressed, CompressionMode.Decompress)) inflate.ReadExactly(raw);

        var previous = new byte[stride];
        var current = new byte[stride];
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int row = y * (stride + 1);
            byte filter = raw[row];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                };
                current[i] = (byte)(raw[row + 1 + i] + predicted);
            }
            for (int x = 0; x < width; x++)
            {
                Array.Copy(current, x * channels, pixels, (y * width + x) * 3, 3);
            }
            (previous, current) = (current, previous);
        }
        return new PngImage(width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
