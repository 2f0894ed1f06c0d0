using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using GpuInference.Design;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// The exposure pass and the chunk sums for one chunk and a whole batch: for each unit (in unit order) count its
/// friends' treatment bits per permutation, then add x = (nb, nf, b, f) into S, Q and x·y into P.
/// <para>
/// Sums are kept permutation-minor ([slot][p]) so the 64 permutations of a batch add as SIMD vectors, in 32-bit
/// lanes (twice as many per vector as 64-bit ones) that are flushed into 64-bit totals before they could overflow.
/// For an integer outcome x·y is summed in integers too: the kernels sum it in doubles, but every partial sum is an
/// integer below 2^53 and therefore exact, so both give the same bits.
/// </para>
/// </summary>
internal sealed class ChunkAccumulator
{
    private const int Width = BitSlicedAssignment.Width;
    private const int IntegerSlots = SpilloverMoments.IntegerSlots;
    private const int RealSlots = SpilloverMoments.RealSlots;
    private const int K = SpilloverProblem.Regressors;

    /// <summary>
    /// How many edges ahead the friends' words are prefetched. At paper scale the words span 240 MB, so nearly every
    /// friend is a cache miss; asking for it this far ahead lets the misses overlap instead of queueing.
    /// </summary>
    private const int PrefetchDistance = 24;

    // 32-bit running sums: S and Q, then (integer outcome only) P.
    private readonly int[] _narrow = new int[(IntegerSlots + RealSlots) * Width];
    private readonly long[] _wide = new long[(IntegerSlots + RealSlots) * Width];
    private readonly double[] _realP = new double[RealSlots * Width];
    private readonly int[] _x = new int[K * Width];

    private readonly Avx2ChunkSums? _vectorized;

    /// <param name="vectorized">Whether chunks that fit may take the AVX2 path (false in tests of the generic path).</param>
    public ChunkAccumulator(bool vectorized = true)
    {
        _vectorized = vectorized && Avx2ChunkSums.IsSupported ? new Avx2ChunkSums() : null;
    }

    /// <summary>Accumulates chunk <paramref name="chunk"/> and writes its sums into <paramref name="partials"/>.</summary>
    public void Accumulate(SpilloverProblem problem, BitSlicedAssignment words, int chunk, int count, ChunkPartials partials)
    {
        int from = problem.ChunkStart[chunk], to = problem.ChunkStart[chunk + 1];
        ChunkBounds bounds = ChunkBounds.Of(problem, from, to);
        if (_vectorized is not null && bounds.IntegerOutcome && Avx2ChunkSums.Fits(bounds.MaxDegree, bounds.MaxAbsOutcome))
        {
            _vectorized.Accumulate(problem, words.Words, chunk, count, bounds.MaxDegree, bounds.MaxAbsOutcome, partials);
            return;
        }

        Array.Clear(_narrow);
        Array.Clear(_wide);
        Array.Clear(_realP);
        bool integerOutcome = bounds.IntegerOutcome;
        int flushEvery = (int)Math.Clamp(int.MaxValue / Math.Max(1, bounds.LargestTerm), 1, int.MaxValue);
        int pending = 0;
        for (int unit = from; unit < to; unit++)
        {
            CountExposures(problem, words, unit, problem.RowOffsets[to]);
            double y = problem.Outcome[unit];
            AddIntegers(integerOutcome ? (int)y : 0, integerOutcome);
            if (!integerOutcome) AddRealProducts(y);
            if (++pending == flushEvery)
            {
                FlushNarrow();
                pending = 0;
            }
        }
        FlushNarrow();
        for (int p = 0; p < count; p++)
        {
            Span<long> ints = partials.IntegersOf(chunk, p);
            Span<double> reals = partials.RealsOf(chunk, p);
            for (int slot = 0; slot < IntegerSlots; slot++) ints[slot] = _wide[slot * Width + p];
            for (int slot = 0; slot < RealSlots; slot++)
            {
                reals[slot] = integerOutcome ? _wide[(IntegerSlots + slot) * Width + p] : _realP[slot * Width + p];
            }
        }
    }

    /// <summary>
    /// What bounds a chunk's sums: the most friends of any unit, the largest |y|, and whether x·y can be summed in
    /// integers here (an integer outcome small enough that degree·|y| fits 32 bits).
    /// </summary>
    private readonly record struct ChunkBounds(long MaxDegree, double MaxAbsOutcome, bool IntegerOutcome)
    {
        /// <summary>The largest value one unit can add to any 32-bit slot of the generic path (degree², degree·|y|), so the narrow sums are flushed in time.</summary>
        public long LargestTerm => IntegerOutcome ? Math.Max(MaxDegree * MaxDegree, (long)(MaxDegree * MaxAbsOutcome)) : MaxDegree * MaxDegree;

        public static ChunkBounds Of(SpilloverProblem problem, int from, int to)
        {
            long degree = 1;
            double largestY = 0;
            for (int unit = from; unit < to; unit++)
            {
                degree = Math.Max(degree, problem.RowOffsets[unit + 1] - problem.RowOffsets[unit]);
                largestY = Math.Max(largestY, Math.Abs(problem.Outcome[unit]));
            }
            if (degree * degree >= int.MaxValue) throw new InvalidOperationException($"a unit with {degree:N0} close friends is beyond the exposure counters.");
            return new ChunkBounds(degree, largestY, problem.OutcomeIsInteger && degree * largestY < int.MaxValue);
        }
    }

    /// <summary>Writes x[regressor][p] for the unit: friends with banner, friends with feed, own banner, own feed.</summary>
    private void CountExposures(SpilloverProblem problem, BitSlicedAssignment words, int unit, long chunkEnd)
    {
        Span<int> banner = _x.AsSpan(0, Width), feed = _x.AsSpan(Width, Width);
        banner.Clear();
        feed.Clear();
        Span<ulong> bannerLanes = stackalloc ulong[Width / 8];
        Span<ulong> feedLanes = stackalloc ulong[Width / 8];
        ulong[] pairs = words.Words;
        long first = problem.RowOffsets[unit], end = problem.RowOffsets[unit + 1];
        while (first < end)
        {
            long stop = Math.Min(end, first + ByteLanes.Capacity);
            bannerLanes.Clear();
            feedLanes.Clear();
            for (long e = first; e < stop; e++)
            {
                if (e + PrefetchDistance < chunkEnd) Prefetch(pairs, 2L * problem.Neighbors[e + PrefetchDistance]);
                long friend = 2L * problem.Neighbors[e];
                ByteLanes.Add(bannerLanes, pairs[friend]);
                ByteLanes.Add(feedLanes, pairs[friend + 1]);
            }
            ByteLanes.Flush(bannerLanes, banner);
            ByteLanes.Flush(feedLanes, feed);
            first = stop;
        }
        Spread(pairs[2L * unit], _x.AsSpan(2 * Width, Width));
        Spread(pairs[2L * unit + 1], _x.AsSpan(3 * Width, Width));
    }

    /// <summary>A hint only: a prefetch never faults, so an address the collector has since moved is harmless.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch<T>(T[] array, long index) where T : unmanaged
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)index)));
    }

    private static void Spread(ulong word, Span<int> values)
    {
        for (int p = 0; p < Width; p++) values[p] = (int)((word >> p) & 1);
    }

    private void AddIntegers(int y, bool withOutcome)
    {
        int lanes = Vector<int>.Count;
        ReadOnlySpan<int> x = _x;
        Span<int> sums = _narrow;
        var yy = new Vector<int>(y);
        for (int p = 0; p < Width; p += lanes)
        {
            var x0 = new Vector<int>(x.Slice(p));
            var x1 = new Vector<int>(x.Slice(Width + p));
            var x2 = new Vector<int>(x.Slice(2 * Width + p));
            var x3 = new Vector<int>(x.Slice(3 * Width + p));
            Add(sums, 0, p, x0);
            Add(sums, 1, p, x1);
            Add(sums, 2, p, x2);
            Add(sums, 3, p, x3);
            Add(sums, 4, p, x0 * x0);
            Add(sums, 5, p, x0 * x1);
            Add(sums, 6, p, x0 * x2);
            Add(sums, 7, p, x0 * x3);
            Add(sums, 8, p, x1 * x1);
            Add(sums, 9, p, x1 * x2);
            Add(sums, 10, p, x1 * x3);
            Add(sums, 11, p, x2); // own banner is 0/1, so b² = b
            Add(sums, 12, p, x2 & x3);
            Add(sums, 13, p, x3);
            if (withOutcome)
            {
                Add(sums, 14, p, x0 * yy);
                Add(sums, 15, p, x1 * yy);
                Add(sums, 16, p, x2 * yy);
                Add(sums, 17, p, x3 * yy);
            }
        }
    }

    /// <summary>x·y in double for a real outcome: one rounding for the product, one for the sum, as the kernels do (no FMA).</summary>
    private void AddRealProducts(double y)
    {
        Span<double> sums = _realP;
        ReadOnlySpan<int> x = _x;
        for (int slot = 0; slot < RealSlots; slot++)
        {
            for (int p = 0; p < Width; p++) sums[slot * Width + p] += (double)x[slot * Width + p] * y;
        }
    }

    private void FlushNarrow()
    {
        for (int i = 0; i < _narrow.Length; i++) _wide[i] += _narrow[i];
        Array.Clear(_narrow);
    }

    private static void Add(Span<int> sums, int slot, int p, Vector<int> value)
    {
        Span<int> target = sums.Slice(slot * Width + p);
        (new Vector<int>(target) + value).CopyTo(target);
    }
}
