using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// <see cref="Avx2BitSpread"/> in one 512-bit register: a 64-bit word (bit p = permutation p) spread bit → byte by
/// one byte shuffle, so adding a friend's word to one byte register counts that friend for all 64 permutations in
/// six instructions instead of nine. Bytes count to 255; callers flush before a unit could have more friends than that.
/// </summary>
internal static class Avx512BitSpread
{
    /// <summary>Byte i selects byte i / 8 of a broadcast word (shuffles stay inside 128-bit lanes, which each hold the word twice).</summary>
    private static readonly Vector512<byte> WordByte = Vector512.Create(
        (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
        4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);

    /// <summary>Byte i tests bit i % 8.</summary>
    private static readonly Vector512<byte> BitOfByte = Vector512.Create(Vector256.Create(
        (byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128));

    public static bool IsSupported => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    /// <summary>Adds bit p of <paramref name="word"/> to byte p of <paramref name="sums"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddBits(ulong word, ref Vector512<byte> sums) => sums -= Bits(word); // a set bit is all ones, i.e. -1

    /// <summary>Byte p all ones where bit p of <paramref name="word"/> is set, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Bits(ulong word)
    {
        Vector512<byte> bits = Avx512BW.Shuffle(Vector512.Create(word).AsByte(), WordByte) & BitOfByte;
        return Vector512.Equals(bits, BitOfByte);
    }

    /// <summary>counts[p] += sums[p] for the 64 byte counters.</summary>
    public static unsafe void AddWidened(Vector512<byte> sums, int* counts)
    {
        Vector256<byte> low = sums.GetLower(), high = sums.GetUpper();
        AddWidened(low.GetLower(), counts);
        AddWidened(low.GetUpper(), counts + 16);
        AddWidened(high.GetLower(), counts + 32);
        AddWidened(high.GetUpper(), counts + 48);
    }

    private static unsafe void AddWidened(Vector128<byte> bytes, int* counts) =>
        Vector512.Store(Vector512.Load(counts) + Avx512F.ConvertToVector512Int32(bytes), counts);
}
