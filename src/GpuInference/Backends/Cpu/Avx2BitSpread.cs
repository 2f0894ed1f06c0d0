using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// Counting bit-sliced permutations with AVX2: a 64-bit word (bit p = permutation p) is spread bit → byte with one
/// byte shuffle per 32 permutations, so adding a friend's word to two byte registers counts that friend for all 64
/// permutations at once. Bytes count to 255; callers flush before a unit could have more friends than that.
/// </summary>
internal static class Avx2BitSpread
{
    /// <summary>Byte i selects byte i / 8 of a broadcast word (shuffles stay inside 128-bit halves, which each hold the word twice).</summary>
    private static readonly Vector256<byte> LowBytes = Vector256.Create(
        (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);

    private static readonly Vector256<byte> HighBytes = Vector256.Create(
        (byte)4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);

    /// <summary>Byte i tests bit i % 8.</summary>
    private static readonly Vector256<byte> BitOfByte = Vector256.Create(
        (byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);

    public static bool IsSupported => Avx2.IsSupported && BitConverter.IsLittleEndian;

    /// <summary>Adds bit p of <paramref name="word"/> to byte p of (low, high): permutations 0–31 and 32–63.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddBits(ulong word, ref Vector256<byte> low, ref Vector256<byte> high)
    {
        Vector256<byte> spread = Vector256.Create(word).AsByte();
        Vector256<byte> lowBits = Avx2.Shuffle(spread, LowBytes) & BitOfByte;
        Vector256<byte> highBits = Avx2.Shuffle(spread, HighBytes) & BitOfByte;
        low -= Vector256.Equals(lowBits, BitOfByte); // a set bit compares to all ones, i.e. -1
        high -= Vector256.Equals(highBits, BitOfByte);
    }
}
