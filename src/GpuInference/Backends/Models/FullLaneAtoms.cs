using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuInference.Backends.Models;

/// <summary>
/// The atoms of the counts alone (count, share, any, at least) and a unit's own level, over all 64 lanes of a full
/// batch in 512-bit vectors: <see cref="UnitTerms"/>'s generic lane loops with the same values bit for bit, in half
/// the instructions and, for share, without a division per lane.
/// </summary>
internal static unsafe class FullLaneAtoms
{
    /// <summary>Whether the hardware runs these natively (512-bit vectors and AVX-512F's conversions and permutes).</summary>
    public static readonly bool IsAccelerated = FullLanes.IsAccelerated && Avx512F.IsSupported && BitConverter.IsLittleEndian;

    /// <summary>Lane j tests bit j of a byte.</summary>
    private static readonly Vector512<long> BitOfLane = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);

    /// <summary>values[p] = counts[p] (exact).</summary>
    public static void Widen(int* counts, double* values)
    {
        for (int p = 0; p < ModelSlots.Width; p += 8) Vector512.Store(Avx512F.ConvertToVector512Double(Vector256.Load(counts + p)), values + p);
    }

    /// <summary>
    /// values[p] = counts[p] / degree, 0 without friends. A count never exceeds the degree, so below 16 friends
    /// every share is one of 16 quotients, each divided once here (IEEE division: the bits a lane's division gives)
    /// and picked per lane by a permute; beyond, each lane is divided.
    /// </summary>
    public static void Share(int* counts, int degree, double* values)
    {
        if (degree == 0)
        {
            new Span<double>(values, ModelSlots.Width).Clear(); // no friends: every count, hence every share, is 0
            return;
        }
        if (degree >= 16)
        {
            var divisor = Vector512.Create((double)degree);
            for (int p = 0; p < ModelSlots.Width; p += 8) Vector512.Store(Avx512F.ConvertToVector512Double(Vector256.Load(counts + p)) / divisor, values + p);
            return;
        }
        double* quotients = stackalloc double[16];
        for (int c = 0; c < 16; c++) quotients[c] = (double)c / degree;
        Vector512<double> low = Vector512.Load(quotients), high = Vector512.Load(quotients + 8);
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector512<long> index = Avx512F.ConvertToVector512Int64(Vector256.Load(counts + p));
            Vector512.Store(Avx512F.PermuteVar8x64x2(low, index, high), values + p);
        }
    }

    /// <summary>values[p] = 1 where counts[p] ≥ <paramref name="threshold"/>, else 0.</summary>
    public static void AtLeast(int* counts, int threshold, double* values)
    {
        var bound = Vector256.Create(threshold);
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector256<int> reached = Vector256.GreaterThanOrEqual(Vector256.Load(counts + p), bound);
            Vector512<long> mask = Avx512F.ConvertToVector512Int64(reached); // all ones where reached (sign-extended)
            Vector512.Store(mask.AsDouble() & Vector512<double>.One, values + p);
        }
    }

    /// <summary>values[p] |= level where bit p of <paramref name="word"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SelectLevel(ulong word, double level, double* values)
    {
        var value = Vector512.Create(level);
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector512<long> bits = Vector512.Create((long)((word >> p) & 0xFF)) & BitOfLane;
            Vector512<double> selected = Vector512.Equals(bits, BitOfLane).AsDouble() & value;
            Vector512.Store(Vector512.Load(values + p) | selected, values + p);
        }
    }
}
