using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuInference.Backends.Models;

/// <summary>
/// A block's first-pass sums with a small term read from its bytes (<see cref="BytePairSums.Values"/>) instead of its
/// doubles, which a block whose units all have bytes then never writes (see <c>CpuModelBackend.Moments</c>). A small
/// term is a whole number of at most <see cref="BytePairSums.MaxValue"/>, so its byte widened to a double is the
/// double the term would have held: the products and sums below have <see cref="FullLanes"/>' bits.
/// </summary>
internal static unsafe class SmallTermProducts
{
    /// <summary>Whether the hardware widens bytes to doubles natively (as <see cref="BytePairSums"/> needs anyway).</summary>
    public static bool IsAccelerated => Avx512F.IsSupported && Avx2.IsSupported;

    /// <summary>sum += a_i · b_i for i = 0 .. 3 in that order (a_i = a + i · stride doubles, b_i = b + i · byteStride bytes), as <see cref="FullLanes.AddProducts"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddProducts(double* sum, double* a, int stride, byte* b, int byteStride)
    {
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector512<double> total = Vector512.Load(sum + p) + Vector512.Load(a + p) * Widen(b + p);
            total += Vector512.Load(a + stride + p) * Widen(b + byteStride + p);
            total += Vector512.Load(a + 2 * stride + p) * Widen(b + 2 * byteStride + p);
            total += Vector512.Load(a + 3 * stride + p) * Widen(b + 3 * byteStride + p);
            Vector512.Store(total, sum + p);
        }
    }

    /// <summary>sum += b_i · s_i for i = 0 .. 3 in that order (b_i = b + i · byteStride bytes), as <see cref="FullLanes.AddScaleds"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaleds(double* sum, byte* b, int byteStride, double s0, double s1, double s2, double s3)
    {
        Vector512<double> c0 = Vector512.Create(s0), c1 = Vector512.Create(s1), c2 = Vector512.Create(s2), c3 = Vector512.Create(s3);
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector512<double> total = Vector512.Load(sum + p) + Widen(b + p) * c0;
            total += Widen(b + byteStride + p) * c1;
            total += Widen(b + 2 * byteStride + p) * c2;
            total += Widen(b + 3 * byteStride + p) * c3;
            Vector512.Store(total, sum + p);
        }
    }

    /// <summary>The lanes whose byte is 0, as bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Zeros(byte* b) => Vector512.Equals(Vector512.Load(b), Vector512<byte>.Zero).ExtractMostSignificantBits();

    /// <summary>Eight bytes as doubles (exact); also how <see cref="ByteCountTerms"/> widens its byte counters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Widen(byte* b) =>
        Avx512F.ConvertToVector512Double(Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(*(ulong*)b).AsByte()));
}
