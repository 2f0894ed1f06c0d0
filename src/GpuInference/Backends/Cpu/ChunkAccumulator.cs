using System.Numerics;
using System.Runtime.InteropServices;
using GpuInference.Design;
using GpuInference.Inference;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// The exposure pass and the chunk sums for one chunk and a whole batch: for each unit (in unit order) count its
/// friends' treatment bits per permutation, then add x = (nb, nf, b, f) into S, Q and x·y into P. The per-permutation
/// sums are kept permutation-minor ([slot][p]) so that the 64 permutations of a batch add as SIMD vectors.
/// </summary>
internal sealed class ChunkAccumulator
{
    private const int Width = BitSlicedAssignment.Width;

    /// <summary>Byte lanes count to 255 before they would carry into their neighbour.</summary>
    private const int LaneCapacity = byte.MaxValue;

    /// <summary>SpreadBits[v] has byte i equal to bit i of v: adding it counts eight permutations at once.</summary>
    private static readonly ulong[] SpreadBits = BuildSpreadTable();

    private readonly long[] _integers = new long[SpilloverMoments.IntegerSlots * Width];
    private readonly double[] _reals = new double[SpilloverMoments.RealSlots * Width];
    private readonly long[] _x = new long[SpilloverProblem.Regressors * Width];

    /// <summary>Accumulates chunk <paramref name="chunk"/> and writes its sums into <paramref name="partials"/>.</summary>
    public void Accumulate(SpilloverProblem problem, BitSlicedAssignment words, int chunk, int count, ChunkPartials partials)
    {
        Array.Clear(_integers);
        Array.Clear(_reals);
        int from = problem.ChunkStart[chunk], to = problem.ChunkStart[chunk + 1];
        for (int unit = from; unit < to; unit++)
        {
            CountExposures(problem, words, unit);
            AddUnit(problem.Outcome[unit]);
        }
        for (int p = 0; p < count; p++)
        {
            Span<long> ints = partials.IntegersOf(chunk, p);
            Span<double> reals = partials.RealsOf(chunk, p);
            for (int slot = 0; slot < SpilloverMoments.IntegerSlots; slot++) ints[slot] = _integers[slot * Width + p];
            for (int slot = 0; slot < SpilloverMoments.RealSlots; slot++) reals[slot] = _reals[slot * Width + p];
        }
    }

    /// <summary>Writes x[regressor][p] for the unit: friends with banner, friends with feed, own banner, own feed.</summary>
    private void CountExposures(SpilloverProblem problem, BitSlicedAssignment words, int unit)
    {
        Span<long> banner = _x.AsSpan(0, Width), feed = _x.AsSpan(Width, Width);
        banner.Clear();
        feed.Clear();
        Span<ulong> bannerLanes = stackalloc ulong[Width / 8];
        Span<ulong> feedLanes = stackalloc ulong[Width / 8];
        ulong[] bannerWords = words.Banner, feedWords = words.Feed;
        long first = problem.RowOffsets[unit], end = problem.RowOffsets[unit + 1];
        while (first < end)
        {
            long stop = Math.Min(end, first + LaneCapacity);
            bannerLanes.Clear();
            feedLanes.Clear();
            for (long e = first; e < stop; e++)
            {
                int friend = problem.Neighbors[e];
                AddToLanes(bannerLanes, bannerWords[friend]);
                AddToLanes(feedLanes, feedWords[friend]);
            }
            Flush(bannerLanes, banner);
            Flush(feedLanes, feed);
            first = stop;
        }
        Spread(words.Banner[unit], _x.AsSpan(2 * Width, Width));
        Spread(words.Feed[unit], _x.AsSpan(3 * Width, Width));
    }

    private static void AddToLanes(Span<ulong> lanes, ulong word)
    {
        for (int k = 0; k < lanes.Length; k++) lanes[k] += SpreadBits[(int)(word >> (8 * k)) & 0xFF];
    }

    /// <summary>Byte p of the lanes (little-endian) is the count for permutation p.</summary>
    private static void Flush(Span<ulong> lanes, Span<long> counts)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(lanes);
        for (int p = 0; p < Width; p++) counts[p] += bytes[p];
    }

    private static void Spread(ulong word, Span<long> values)
    {
        for (int p = 0; p < Width; p++) values[p] = (long)((word >> p) & 1);
    }

    private void AddUnit(double y)
    {
        int lanes = Vector<long>.Count;
        ReadOnlySpan<long> x = _x;
        Span<long> ints = _integers;
        Span<double> reals = _reals;
        var yy = new Vector<double>(y);
        for (int p = 0; p < Width; p += lanes)
        {
            var x0 = new Vector<long>(x.Slice(p));
            var x1 = new Vector<long>(x.Slice(Width + p));
            var x2 = new Vector<long>(x.Slice(2 * Width + p));
            var x3 = new Vector<long>(x.Slice(3 * Width + p));
            Add(ints, 0, p, x0);
            Add(ints, 1, p, x1);
            Add(ints, 2, p, x2);
            Add(ints, 3, p, x3);
            Add(ints, 4, p, x0 * x0);
            Add(ints, 5, p, x0 * x1);
            Add(ints, 6, p, x0 * x2);
            Add(ints, 7, p, x0 * x3);
            Add(ints, 8, p, x1 * x1);
            Add(ints, 9, p, x1 * x2);
            Add(ints, 10, p, x1 * x3);
            Add(ints, 11, p, x2); // own banner is 0/1, so b² = b
            Add(ints, 12, p, x2 & x3);
            Add(ints, 13, p, x3);
            // x·y in double, one rounding for the product and one for the sum, as the kernels do (no FMA).
            AddReal(reals, 0, p, Vector.ConvertToDouble(x0) * yy);
            AddReal(reals, 1, p, Vector.ConvertToDouble(x1) * yy);
            AddReal(reals, 2, p, Vector.ConvertToDouble(x2) * yy);
            AddReal(reals, 3, p, Vector.ConvertToDouble(x3) * yy);
        }
    }

    private static void Add(Span<long> sums, int slot, int p, Vector<long> value)
    {
        Span<long> target = sums.Slice(slot * Width + p);
        (new Vector<long>(target) + value).CopyTo(target);
    }

    private static void AddReal(Span<double> sums, int slot, int p, Vector<double> value)
    {
        Span<double> target = sums.Slice(slot * Width + p);
        (new Vector<double>(target) + value).CopyTo(target);
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
