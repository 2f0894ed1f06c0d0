using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuInference.Graph;

/// <summary>
/// A 64-bit checksum for pack sections: four independent multiply-rotate lanes in the style of xxHash64, which runs
/// near memory speed so that checking a 700 MB pack costs a fraction of reading it. It detects corruption; it is
/// not a cryptographic hash.
/// </summary>
internal static class PackChecksum
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        ulong a = unchecked(Prime1 + Prime2), b = Prime2, c = 0, d = unchecked(0 - Prime1);
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        int stripes = words.Length / 4 * 4;
        for (int i = 0; i < stripes; i += 4)
        {
            a = Round(a, words[i]);
            b = Round(b, words[i + 1]);
            c = Round(c, words[i + 2]);
            d = Round(d, words[i + 3]);
        }
        ulong hash = BitOperations.RotateLeft(a, 1) + BitOperations.RotateLeft(b, 7) + BitOperations.RotateLeft(c, 12) + BitOperations.RotateLeft(d, 18);
        for (int i = stripes; i < words.Length; i++) hash = BitOperations.RotateLeft(hash ^ Round(0, words[i]), 27) * Prime1 + Prime3;
        foreach (byte rest in data[(words.Length * 8)..]) hash = BitOperations.RotateLeft(hash ^ (rest * Prime3), 11) * Prime1;
        hash ^= (ulong)data.Length;
        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        return hash;
    }

    private static ulong Round(ulong accumulator, ulong word) => BitOperations.RotateLeft(accumulator + word * Prime2, 31) * Prime1;
}
