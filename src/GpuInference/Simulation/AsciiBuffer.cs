using System.Buffers.Text;

namespace GpuInference.Simulation;

/// <summary>A growable byte buffer that formats CSV text directly as UTF-8, so writing 75M lines makes no strings.</summary>
internal sealed class AsciiBuffer
{
    private byte[] _bytes;

    public AsciiBuffer(int capacity) => _bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Append(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(Length), out int written);
        Length += written;
    }

    public void Append(char ascii)
    {
        Ensure(1);
        _bytes[Length++] = (byte)ascii;
    }

    public void Append(ReadOnlySpan<byte> utf8)
    {
        Ensure(utf8.Length);
        utf8.CopyTo(_bytes.AsSpan(Length));
        Length += utf8.Length;
    }

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
    }
}
