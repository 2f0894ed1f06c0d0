using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuInference.Design;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// <see cref="ChunkAccumulator"/>'s work for one chunk in AVX2 registers, for the common case it is given: an
/// integer outcome and units with at most 255 friends (the caller checks the bounds in <see cref="Fits"/>).
/// The same exact integer sums, in two phases:
/// <list type="number">
/// <item>Exposures. Each friend's banner and feed words are spread bit → byte (byte p holds permutation p) with
/// one byte shuffle per 32 permutations and added, so a unit's friend counts for all 64 permutations are four
/// registers. They go to a chunk buffer of 128 bytes per unit (256 KB at most: it stays in L2).</item>
/// <item>Sums. For each group of 16 permutations the chunk's units are walked again: the counts widened to 16-bit
/// lanes, the unit's own banner and feed bits as lane masks, and all 16 distinct sums (S, Q, x·y) kept in 16-bit
/// lanes in registers, flushed into 64-bit totals before any lane could overflow.</item>
/// </list>
/// The generic path keeps every sum in memory and widens one permutation at a time; this one does a unit's whole
/// batch in a few dozen vector instructions.
/// </summary>
internal sealed class Avx2ChunkSums
{
    private const int Width = BitSlicedAssignment.Width;
    private const int Group = 16;
    private const int BytesPerUnit = 2 * Width;

    // Internal slot order: S0..S3, Q00 Q01 Q02 Q03 Q11 Q12 Q13 Q23, P0..P3 (Q22 = S2 and Q33 = S3: own cells are 0/1).
    private const int Slots = 16;

    /// <summary>Lane i tests bit i.</summary>
    private static readonly Vector256<ushort> BitOfLane = Vector256.Create(
        (ushort)1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);

    private readonly long[] _totals = new long[Slots * Width];
    private byte[] _exposures = [];

    public static bool IsSupported => Avx2BitSpread.IsSupported;

    /// <summary>Whether a chunk's bounds fit 8-bit friend counts and 16-bit sums flushed at least every unit.</summary>
    public static bool Fits(long maxDegree, double maxAbsOutcome) =>
        maxDegree <= byte.MaxValue && Math.Max(1, maxDegree) * maxAbsOutcome <= short.MaxValue;

    /// <summary>Accumulates the units [from, to) of chunk <paramref name="chunk"/> and writes its sums into <paramref name="partials"/>.</summary>
    public void Accumulate(SpilloverProblem problem, ulong[] words, int chunk, int count, long maxDegree, double maxAbsOutcome, ChunkPartials partials)
    {
        int from = problem.ChunkStart[chunk], to = problem.ChunkStart[chunk + 1];
        if (_exposures.Length < (to - from) * BytesPerUnit) _exposures = new byte[Math.Max(problem.ChunkSize, to - from) * BytesPerUnit];
        Array.Clear(_totals);
        CountExposures(problem, words, from, to);

        // Every 16-bit lane must stay below 2^16 (S and Q, unsigned) or within ±2^15 (x·y, signed) between flushes.
        long square = Math.Max(1, maxDegree * maxDegree);
        long product = Math.Max(1, Math.Max(1, maxDegree) * (long)maxAbsOutcome);
        int flushEvery = (int)Math.Max(1, Math.Min(ushort.MaxValue / square, short.MaxValue / product));
        for (int group = 0; group * Group < count; group++)
        {
            SumGroup(problem, words, from, to, group, flushEvery);
        }

        for (int p = 0; p < count; p++)
        {
            Span<long> ints = partials.IntegersOf(chunk, p);
            Span<double> reals = partials.RealsOf(chunk, p);
            long Total(int slot) => _totals[slot * Width + p];
            for (int slot = 0; slot < 4; slot++) ints[slot] = Total(slot);  // S
            for (int slot = 4; slot < 11; slot++) ints[slot] = Total(slot); // Q00 Q01 Q02 Q03 Q11 Q12 Q13
            ints[11] = Total(2);                                            // Q22 = S2
            ints[12] = Total(11);                                           // Q23
            ints[13] = Total(3);                                            // Q33 = S3
            for (int slot = 0; slot < SpilloverMoments.RealSlots; slot++) reals[slot] = Total(12 + slot); // exact integers below 2^53
        }
    }

    /// <summary>Phase 1: friends with banner and with feed, per unit and permutation, as bytes.</summary>
    private void CountExposures(SpilloverProblem problem, ulong[] words, int from, int to)
    {
        const int prefetchDistance = 24;
        long[] rows = problem.RowOffsets;
        int[] neighbors = problem.Neighbors;
        long chunkEnd = rows[to];
        ref byte buffer = ref MemoryMarshal.GetArrayDataReference(_exposures);
        for (int unit = from; unit < to; unit++)
        {
            Vector256<byte> banner0 = default, banner1 = default, feed0 = default, feed1 = default;
            for (long e = rows[unit], end = rows[unit + 1]; e < end; e++)
            {
                if (e + prefetchDistance < chunkEnd) ChunkAccumulator.Prefetch(words, 2L * neighbors[e + prefetchDistance]);
                long friend = 2L * neighbors[e];
                Avx2BitSpread.AddBits(words[friend], ref banner0, ref banner1);
                Avx2BitSpread.AddBits(words[friend + 1], ref feed0, ref feed1);
            }
            ref byte row = ref Unsafe.Add(ref buffer, (nint)(unit - from) * BytesPerUnit);
            banner0.StoreUnsafe(ref row);
            banner1.StoreUnsafe(ref row, 32);
            feed0.StoreUnsafe(ref row, 64);
            feed1.StoreUnsafe(ref row, 96);
        }
    }

    /// <summary>Bit i of <paramref name="bits"/> as lane i: all ones or zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> LaneMask(ulong bits) => Vector256.Equals(Vector256.Create((ushort)bits) & BitOfLane, BitOfLane);

    /// <summary>Phase 2 for permutations 16·group .. 16·group + 15.</summary>
    private void SumGroup(SpilloverProblem problem, ulong[] words, int from, int to, int group, int flushEvery)
    {
        ref byte buffer = ref MemoryMarshal.GetArrayDataReference(_exposures);
        double[] outcome = problem.Outcome;
        int shift = Group * group;
        Vector256<ushort> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<ushort> q00 = default, q01 = default, q02 = default, q03 = default, q11 = default, q12 = default, q13 = default, q23 = default;
        Vector256<ushort> p0 = default, p1 = default, p2 = default, p3 = default;
        Span<ushort> lanes = stackalloc ushort[Slots * Group];
        int pending = 0;
        for (int unit = from; unit < to; unit++)
        {
            ref byte row = ref Unsafe.Add(ref buffer, (nint)(unit - from) * BytesPerUnit + Group * group);
            Vector256<ushort> x0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row)).AsUInt16();
            Vector256<ushort> x1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, Width)).AsUInt16();
            Vector256<ushort> banner = LaneMask(words[2L * unit] >> shift);
            Vector256<ushort> feed = LaneMask(words[2L * unit + 1] >> shift);
            var y = Vector256.Create((ushort)(short)outcome[unit]);
            s0 += x0;
            s1 += x1;
            s2 -= banner;
            s3 -= feed;
            q00 += x0 * x0;
            q01 += x0 * x1;
            q02 += x0 & banner;
            q03 += x0 & feed;
            q11 += x1 * x1;
            q12 += x1 & banner;
            q13 += x1 & feed;
            q23 -= banner & feed;
            p0 += x0 * y; // the low 16 bits of the product, which is all a signed 16-bit sum needs
            p1 += x1 * y;
            p2 += banner & y;
            p3 += feed & y;
            if (++pending == flushEvery || unit == to - 1)
            {
                s0.CopyTo(lanes);
                s1.CopyTo(lanes[16..]);
                s2.CopyTo(lanes[32..]);
                s3.CopyTo(lanes[48..]);
                q00.CopyTo(lanes[64..]);
                q01.CopyTo(lanes[80..]);
                q02.CopyTo(lanes[96..]);
                q03.CopyTo(lanes[112..]);
                q11.CopyTo(lanes[128..]);
                q12.CopyTo(lanes[144..]);
                q13.CopyTo(lanes[160..]);
                q23.CopyTo(lanes[176..]);
                p0.CopyTo(lanes[192..]);
                p1.CopyTo(lanes[208..]);
                p2.CopyTo(lanes[224..]);
                p3.CopyTo(lanes[240..]);
                Flush(lanes, shift);
                s0 = s1 = s2 = s3 = default;
                q00 = q01 = q02 = q03 = q11 = q12 = q13 = q23 = default;
                p0 = p1 = p2 = p3 = default;
                pending = 0;
            }
        }
    }

    /// <summary>Adds the 16-bit lanes into the 64-bit totals: S and Q unsigned, x·y signed.</summary>
    private void Flush(ReadOnlySpan<ushort> lanes, int firstPermutation)
    {
        for (int slot = 0; slot < Slots; slot++)
        {
            Span<long> totals = _totals.AsSpan(slot * Width + firstPermutation, Group);
            ReadOnlySpan<ushort> values = lanes.Slice(slot * Group, Group);
            if (slot < 12)
            {
                for (int k = 0; k < Group; k++) totals[k] += values[k];
            }
            else
            {
                for (int k = 0; k < Group; k++) totals[k] += (short)values[k];
            }
        }
    }
}
