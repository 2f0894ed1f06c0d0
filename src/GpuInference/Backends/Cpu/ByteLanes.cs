using System.Runtime.InteropServices;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// Counting set bits per position across many 64-bit words (SWAR): eight ulong lanes hold 64 byte counters, one per
/// permutation of a bit-sliced batch, and adding a word's spread bytes counts eight permutations in one addition.
/// A byte counts to 255, so callers flush the lanes into wider counts at least every <see cref="Capacity"/> words.
/// </summary>
internal static class ByteLanes
{
    /// <summary>Words that can be added before a byte counter could carry into its neighbour.</summary>
    public const int Capacity = byte.MaxValue;

    /// <summary>Lanes (ulongs) per 64 counters.</summary>
    public const int Count = 8;

    /// <summary>SpreadBits[v] has byte i equal to bit i of v.</summary>
    private static readonly ulong[] SpreadBits = BuildSpreadTable();

    /// <summary>Adds bit p of <paramref name="word"/> to counter p.</summary>
    public static void Add(Span<ulong> lanes, ulong word)
    {
        for (int k = 0; k < lanes.Length; k++) lanes[k] += SpreadBits[(int)(word >> (8 * k)) & 0xFF];
    }

    /// <summary>Adds counter p (byte p of the lanes, little-endian) to <paramref name="counts"/>[p].</summary>
    public static void Flush(Span<ulong> lanes, Span<int> counts)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(lanes);
        for (int p = 0; p < counts.Length; p++) counts[p] += bytes[p];
    }

    private static ulong[] BuildSpreadTable()
    {
        var table = new ulong[256];
        for (int v = 0; v < 256; v++)
        {
            for (int bit = 0; bit < 8; bit++) table[v] |= (ulong)((v >> bit) & 1) << (8 * bit);
        }
        return table;
    }
}
