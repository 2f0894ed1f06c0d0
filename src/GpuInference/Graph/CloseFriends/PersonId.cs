using System.Buffers.Text;
using GpuInference.Data;

namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// How a person's id travels through the spill files: one byte string per id, equal exactly when the ids' texts
/// are equal. A canonical integer (see <see cref="Utf8Fields.TryParseCanonicalInteger"/>) is a 0 byte and its
/// zig-zag varint (5 bytes for an 8-digit id instead of 8); any other text is varint(2·length + 1) and its UTF-8
/// bytes. Integer-looking text that is not canonical ("007") stays text, so no two ids ever merge.
/// </summary>
internal static class PersonId
{
    /// <summary>Room for any encoded id of <paramref name="textLength"/> bytes.</summary>
    public static int MaxEncodedLength(int textLength) => Math.Max(11, textLength + 5);

    /// <summary>Encodes <paramref name="text"/> into <paramref name="into"/>; returns the bytes used.</summary>
    public static int Encode(ReadOnlySpan<byte> text, Span<byte> into)
    {
        if (Utf8Fields.TryParseCanonicalInteger(text, out long value))
        {
            into[0] = 0;
            return 1 + WriteVarint((ulong)((value << 1) ^ (value >> 63)), into[1..]);
        }
        int used = WriteVarint(((ulong)text.Length << 1) | 1, into);
        text.CopyTo(into[used..]);
        return used + text.Length;
    }

    /// <summary>Reads one encoded id from <paramref name="reader"/> into <paramref name="into"/> (grown when needed); returns its length.</summary>
    public static int Read(SpillReader reader, ref byte[] into)
    {
        ulong head = reader.ReadVarint();
        if (head == 0)
        {
            into[0] = 0;
            return 1 + WriteVarint(reader.ReadVarint(), into.AsSpan(1));
        }
        int length = checked((int)(head >> 1));
        int needed = MaxEncodedLength(length);
        if (into.Length < needed) Array.Resize(ref into, needed);
        int used = WriteVarint(head, into);
        reader.ReadBytes(into.AsSpan(used, length));
        return used + length;
    }

    /// <summary>Writes the id's text (quoted for CSV when it holds a comma, quote or line break) into <paramref name="output"/>.</summary>
    public static void WriteText(ReadOnlySpan<byte> encoded, Stream output)
    {
        int used = ReadVarint(encoded, out ulong head);
        if (head == 0)
        {
            ReadVarint(encoded[used..], out ulong zigzag);
            long value = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(value, digits, out int written);
            output.Write(digits[..written]);
            return;
        }
        var text = encoded.Slice(used, (int)(head >> 1));
        if (text.IndexOfAny((byte)',', (byte)'"', (byte)'\n') < 0 && text.IndexOf((byte)'\r') < 0)
        {
            output.Write(text);
            return;
        }
        output.WriteByte((byte)'"');
        foreach (byte b in text)
        {
            if (b == (byte)'"') output.WriteByte(b);
            output.WriteByte(b);
        }
        output.WriteByte((byte)'"');
    }

    /// <summary>The id as text, for messages.</summary>
    public static string ToText(ReadOnlySpan<byte> encoded)
    {
        using var memory = new MemoryStream();
        WriteText(encoded, memory);
        return System.Text.Encoding.UTF8.GetString(memory.GetBuffer(), 0, (int)memory.Length);
    }

    /// <summary>A 64-bit hash of an encoded id under <paramref name="seed"/>: fixed across runs and machines, so
    /// partitions (and hence the order of the output) depend only on the input and the budget.</summary>
    public static ulong Hash(ReadOnlySpan<byte> encoded, ulong seed)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        ulong h = seed ^ ((ulong)encoded.Length * Multiplier);
        while (encoded.Length >= 8)
        {
            h = (h ^ BitConverter.ToUInt64(encoded)) * Multiplier;
            h ^= h >> 29;
            encoded = encoded[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < encoded.Length; i++) tail |= (ulong)encoded[i] << (8 * i);
        h = (h ^ tail) * Multiplier;
        // The finaliser of SplitMix64: every input bit reaches every output bit.
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    /// <summary>Maps a hash to [0, <paramref name="buckets"/>) by multiply-shift (no modulo bias worth the name).</summary>
    public static int Bucket(ulong hash, int buckets) => (int)((hash >> 32) * (ulong)(uint)buckets >> 32);

    private static int WriteVarint(ulong value, Span<byte> into)
    {
        int i = 0;
        while (value >= 0x80)
        {
            into[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        into[i++] = (byte)value;
        return i;
    }

    private static int ReadVarint(ReadOnlySpan<byte> from, out ulong value)
    {
        value = 0;
        int i = 0, shift = 0;
        while (true)
        {
            byte b = from[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return i;
            shift += 7;
        }
    }
}
