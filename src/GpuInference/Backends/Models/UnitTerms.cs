using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuInference.Backends.Cpu;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Backends.Models;

/// <summary>
/// The moving terms of one unit under the 64 permutations of a batch, on the host: one walk over the unit's friends
/// counts every indicator at once (byte lanes, eight permutations per addition) and sums tie weights where a term
/// reads them; then each atom, each product and each shift, permutation-minor so that whole vectors are multiplied.
/// The arithmetic is the device kernel's, step for step (see <c>Kernels.Models.ModelKernels</c>). One per thread.
/// </summary>
internal sealed unsafe class UnitTerms
{
    private const int W = ModelSlots.Width;

    /// <summary>How many edges ahead the friends' words are prefetched (at scale nearly every friend is a cache miss).</summary>
    private const int PrefetchDistance = 24;

    private readonly ModelProblem _problem;
    private readonly int[] _counts;
    private readonly double[] _treatedWeight;
    private readonly AlignedLanes _atoms;
    private readonly AlignedLanes _values;
    private readonly ulong[] _lanes;

    /// <summary>Indicators some exposure reads: only those are counted over the friends (own treatments need no walk).</summary>
    private readonly bool[] _counted;

    /// <summary>Whether any term reads the friends at all.</summary>
    private readonly bool _walks;

    /// <summary>The counted indicators, in order.</summary>
    private readonly int[] _countedIndicators;

    /// <summary>Every term straight from the byte counters, where the model allows (see <see cref="ByteCountTerms"/>), or null.</summary>
    private readonly ByteCountTerms? _byteTerms;

    /// <summary>A unit's byte counters when none are kept, [i · 64 + p] (64-byte aligned).</summary>
    private readonly AlignedLanes _bytes;

    /// <param name="problem">The laid-out model.</param>
    /// <param name="fromByteCounters">Whether full batches may take their terms straight from the byte counters (see <see cref="ByteCountTerms"/>); false keeps the general path, which the tests hold it to.</param>
    public UnitTerms(ModelProblem problem, bool fromByteCounters = true)
    {
        _problem = problem;
        _counts = new int[problem.IndicatorCount * W];
        _treatedWeight = new double[problem.IndicatorCount * W];
        _atoms = new AlignedLanes(problem.AtomCount * W);
        _lanes = new ulong[problem.IndicatorCount * ByteLanes.Count];
        _counted = new bool[problem.IndicatorCount];
        for (int a = 0; a < problem.AtomCount; a++)
        {
            if (problem.AtomKind[a] != ModelProblem.OwnValueAtom) _counted[problem.AtomIndicator[a]] = true;
        }
        _walks = _counted.Contains(true);
        _countedIndicators = [.. Enumerable.Range(0, problem.IndicatorCount).Where(i => _counted[i])];
        _values = new AlignedLanes(problem.TermCount * W);
        _byteTerms = fromByteCounters ? ByteCountTerms.For(problem) : null;
        _bytes = new AlignedLanes(Math.Max(1, problem.IndicatorCount * W / sizeof(double)));
    }

    /// <summary>
    /// Friend counts to keep (<see cref="CountsReused"/> false) or to reuse (true) instead of walking the friends, or
    /// null to walk and keep nothing. Set by the backend for each pass.
    /// </summary>
    public FriendCounts? Counts { get; set; }

    /// <inheritdoc cref="Counts"/>
    public bool CountsReused { get; set; }

    /// <summary>Values[t · 64 + p]: term t of the last unit evaluated, under permutation p (64-byte aligned).</summary>
    public double* Values => _values.Pointer;

    /// <summary>Term <paramref name="term"/> of the last unit evaluated, under permutation <paramref name="p"/>.</summary>
    public double Value(int term, int p) => _values.Span[term * W + p];

    /// <summary>
    /// Evaluates every moving term of unit <paramref name="unit"/> (layout order) for the first <paramref name="lanes"/>
    /// permutations (a whole number of vectors; lanes past the batch hold values of empty words, never read).
    /// </summary>
    public void Evaluate(ulong[] words, int unit, int lanes) => Evaluate(words, unit, lanes, Values);

    /// <summary>As <see cref="Evaluate(ulong[], int, int)"/>, the terms written to <paramref name="destination"/> ([t · 64 + p]) instead of <see cref="Values"/>.</summary>
    public void Evaluate(ulong[] words, int unit, int lanes, double* destination) => Evaluate(words, unit, lanes, destination, null, null);

    /// <summary>
    /// As <see cref="Evaluate(ulong[], int, int, double*)"/>, and with <paramref name="pairs"/> also the unit's small
    /// terms as bytes at <paramref name="bytes"/> (<see cref="BytePairSums.Values"/>), where the unit's terms come
    /// from its byte counters and it has few enough friends. Returns whether the bytes were written. With
    /// <paramref name="bytesOnly"/> (<see cref="BytePairSums.BytesOnly"/>, for a unit whose bytes will be written)
    /// the small terms are left out of <paramref name="destination"/>.
    /// </summary>
    public bool Evaluate(ulong[] words, int unit, int lanes, double* destination, BytePairSums? pairs, byte* bytes, bool[]? bytesOnly = null)
    {
        ModelProblem problem = _problem;
        int node = unit;
        int degree = (int)(problem.RowOffsets[node + 1] - problem.RowOffsets[node]);
        if (_byteTerms is not null && lanes == W && degree <= ByteLanes.Capacity)
        {
            byte* counts = _walks ? FriendBytes(words, node) : null;
            _byteTerms.Evaluate(counts, degree, words, unit, destination, bytesOnly);
            return pairs is not null && pairs.Values(problem, counts, degree, words, unit, bytes);
        }
        double weight = _walks ? CountFriends(words, node, lanes) : 0;
        int indicators = problem.IndicatorCount;
        bool full = lanes == W && FullLaneAtoms.IsAccelerated;
        for (int a = 0; a < problem.AtomCount; a++)
        {
            if (full && FullLaneAtom(words, node, a, degree)) continue;
            Span<double> values = _atoms.Span.Slice(a * W, W);
            int kind = problem.AtomKind[a];
            if (kind == ModelProblem.OwnValueAtom)
            {
                values.Clear();
                for (int l = problem.LevelStart[a]; l < problem.LevelStart[a + 1]; l++)
                {
                    ulong word = words[(long)node * indicators + problem.LevelIndicator[l]];
                    SelectLevel(word, problem.LevelValue[l], values, lanes);
                }
                continue;
            }
            int i = problem.AtomIndicator[a];
            ReadOnlySpan<int> counts = _counts.AsSpan(i * W, W);
            ReadOnlySpan<double> treated = _treatedWeight.AsSpan(i * W, W);
            switch (kind)
            {
                case ExposureCodes.Count: Widen(counts, values, lanes); break; // CountExposure's value is the count itself
                // The kinds of the counts alone, as whole vectors: the same bits as their structs' scalar Value.
                case ExposureCodes.Share: Share(counts, degree, values, lanes); break;
                case ExposureCodes.Any: AtLeast(counts, 1, values, lanes); break;
                case ExposureCodes.AtLeast: AtLeast(counts, problem.AtomParameter[a], values, lanes); break;
                case ExposureCodes.WeightedSum: Fill(default(WeightedSumExposure), counts, degree, treated, weight, values, lanes); break;
                default: Fill(default(WeightedShareExposure), counts, degree, treated, weight, values, lanes); break;
            }
        }
        int group = problem.UnitGroup[unit];
        int k = problem.TermCount;
        double* atoms = _atoms.Pointer, termValues = destination;
        for (int t = 0; t < k; t++)
        {
            double* term = termValues + t * W;
            int first = problem.TermStart[t], end = problem.TermStart[t + 1];
            int factor = problem.TermFixedFactor[t];
            double shift = problem.Shift[group * k + t];
            double* atom = atoms + problem.TermAtoms[first] * W;
            if (end == first + 1 && factor < 0)
            {
                LaneMath.Difference(term, atom, shift, lanes); // the common case: one atom, shifted, in one pass
                continue;
            }
            Buffer.MemoryCopy(atom, term, lanes * sizeof(double), lanes * sizeof(double));
            for (int f = first + 1; f < end; f++) LaneMath.Multiply(term, atoms + problem.TermAtoms[f] * W, lanes);
            if (factor >= 0) LaneMath.ScaleAndShift(term, problem.FixedFactors[factor][unit], shift, lanes);
            else LaneMath.Shift(term, shift, lanes);
        }
        return false;
    }

    /// <summary>
    /// Atom <paramref name="a"/> of the unit whose friends were just counted, over all 64 lanes by
    /// <see cref="FullLaneAtoms"/>, when its kind is one of those; false for the kinds that read tie weights.
    /// </summary>
    private bool FullLaneAtom(ulong[] words, int node, int a, int degree)
    {
        ModelProblem problem = _problem;
        double* values = _atoms.Pointer + a * W;
        int kind = problem.AtomKind[a];
        if (kind == ModelProblem.OwnValueAtom)
        {
            new Span<double>(values, W).Clear();
            for (int l = problem.LevelStart[a]; l < problem.LevelStart[a + 1]; l++)
            {
                FullLaneAtoms.SelectLevel(words[(long)node * problem.IndicatorCount + problem.LevelIndicator[l]], problem.LevelValue[l], values);
            }
            return true;
        }
        fixed (int* counts = &_counts[problem.AtomIndicator[a] * W])
        {
            switch (kind)
            {
                case ExposureCodes.Count: FullLaneAtoms.Widen(counts, values); return true;
                case ExposureCodes.Share: FullLaneAtoms.Share(counts, degree, values); return true;
                case ExposureCodes.Any: FullLaneAtoms.AtLeast(counts, 1, values); return true;
                case ExposureCodes.AtLeast: FullLaneAtoms.AtLeast(counts, problem.AtomParameter[a], values); return true;
                default: return false;
            }
        }
    }

    /// <summary>Counts each indicator's set bits over the friends per permutation; returns the friends' total tie weight.</summary>
    private double CountFriends(ulong[] words, int node, int used)
    {
        if (_problem.Weights is null && Avx512BitSpread.IsSupported)
        {
            FriendCounts? kept = Counts;
            if (kept is not null && CountsReused && Degree(node) <= ByteLanes.Capacity) ReuseCounts(kept.Of(node));
            else CountFriendsAvx512(words, node, kept?.Of(node));
            return 0;
        }
        if (_problem.Weights is null && Avx2BitSpread.IsSupported)
        {
            CountFriendsAvx2(words, node);
            return 0;
        }
        ModelProblem problem = _problem;
        int indicators = problem.IndicatorCount;
        Array.Clear(_counts);
        float[]? weights = problem.Weights;
        if (weights is not null) Array.Clear(_treatedWeight);
        double weight = 0;
        long first = problem.RowOffsets[node], end = problem.RowOffsets[node + 1];
        long graphEnd = problem.Neighbors.LongLength;
        Span<ulong> lanes = _lanes;
        while (first < end)
        {
            long stop = Math.Min(end, first + ByteLanes.Capacity);
            lanes.Clear();
            for (long e = first; e < stop; e++)
            {
                if (e + PrefetchDistance < graphEnd) ChunkAccumulator.Prefetch(words, (long)problem.Neighbors[e + PrefetchDistance] * indicators);
                long at = (long)problem.Neighbors[e] * indicators;
                for (int i = 0; i < indicators; i++)
                {
                    if (_counted[i]) ByteLanes.Add(lanes.Slice(i * ByteLanes.Count, ByteLanes.Count), words[at + i]);
                }
                if (weights is null) continue;
                double w = weights[e];
                weight += w;
                for (int i = 0; i < indicators; i++)
                {
                    for (ulong word = words[at + i]; word != 0; word &= word - 1) _treatedWeight[i * W + BitOperations.TrailingZeroCount(word)] += w;
                }
            }
            for (int i = 0; i < indicators; i++) ByteLanes.Flush(lanes.Slice(i * ByteLanes.Count, ByteLanes.Count), _counts.AsSpan(i * W, used));
            first = stop;
        }
        return weight;
    }

    /// <summary>
    /// The same counts as the generic walk, with every counted indicator's 64 byte counters in two AVX2 registers
    /// per indicator (flushed every 255 friends), widened to 32 bits at the end.
    /// </summary>
    private void CountFriendsAvx2(ulong[] words, int node)
    {
        ModelProblem problem = _problem;
        int indicators = problem.IndicatorCount;
        Span<Vector256<byte>> sums = stackalloc Vector256<byte>[2 * ModelProblem.MaxIndicators];
        Array.Clear(_counts);
        long first = problem.RowOffsets[node], end = problem.RowOffsets[node + 1];
        long graphEnd = problem.Neighbors.LongLength;
        while (first < end)
        {
            long stop = Math.Min(end, first + ByteLanes.Capacity);
            sums.Clear();
            for (long e = first; e < stop; e++)
            {
                if (e + PrefetchDistance < graphEnd) ChunkAccumulator.Prefetch(words, (long)problem.Neighbors[e + PrefetchDistance] * indicators);
                long at = (long)problem.Neighbors[e] * indicators;
                for (int i = 0; i < indicators; i++)
                {
                    if (_counted[i]) Avx2BitSpread.AddBits(words[at + i], ref sums[2 * i], ref sums[2 * i + 1]);
                }
            }
            for (int i = 0; i < indicators; i++)
            {
                if (!_counted[i]) continue;
                fixed (int* counts = &_counts[i * W])
                {
                    AddWidened(sums[2 * i], counts);
                    AddWidened(sums[2 * i + 1], counts + 32);
                }
            }
            first = stop;
        }
    }

    private int Degree(int node) => (int)(_problem.RowOffsets[node + 1] - _problem.RowOffsets[node]);

    /// <summary>The counts of a unit with at most 255 friends from its kept byte counters.</summary>
    private void ReuseCounts(byte* kept)
    {
        Array.Clear(_counts);
        for (int i = 0; i < _problem.IndicatorCount; i++)
        {
            if (!_counted[i]) continue;
            fixed (int* counts = &_counts[i * W]) Avx512BitSpread.AddWidened(Vector512.Load(kept + i * W), counts);
        }
    }

    /// <summary>
    /// As <see cref="CountFriendsAvx2"/>, every counted indicator's 64 byte counters in one AVX-512 register; with
    /// <paramref name="keep"/>, a unit of at most 255 friends (one flush) also leaves its byte counters there.
    /// </summary>
    private void CountFriendsAvx512(ulong[] words, int node, byte* keep)
    {
        ModelProblem problem = _problem;
        int indicators = problem.IndicatorCount;
        Span<Vector512<byte>> sums = stackalloc Vector512<byte>[ModelProblem.MaxIndicators];
        Array.Clear(_counts);
        long first = problem.RowOffsets[node], end = problem.RowOffsets[node + 1];
        if (keep != null && first == end) new Span<byte>(keep, indicators * W).Clear(); // no friends: every count is 0
        long graphEnd = problem.Neighbors.LongLength;
        while (first < end)
        {
            long stop = Math.Min(end, first + ByteLanes.Capacity);
            sums.Clear();
            for (long e = first; e < stop; e++)
            {
                if (e + PrefetchDistance < graphEnd) ChunkAccumulator.Prefetch(words, (long)problem.Neighbors[e + PrefetchDistance] * indicators);
                long at = (long)problem.Neighbors[e] * indicators;
                for (int i = 0; i < indicators; i++)
                {
                    if (_counted[i]) Avx512BitSpread.AddBits(words[at + i], ref sums[i]);
                }
            }
            for (int i = 0; i < indicators; i++)
            {
                if (!_counted[i]) continue;
                fixed (int* counts = &_counts[i * W]) Avx512BitSpread.AddWidened(sums[i], counts);
                if (keep != null && end - problem.RowOffsets[node] <= ByteLanes.Capacity) Vector512.Store(sums[i], keep + i * W);
            }
            first = stop;
        }
    }

    /// <summary>
    /// The byte counters of a unit with at most 255 friends: the kept ones when the pass reuses them, else the walk's,
    /// left in the kept counts when the pass keeps them (as <see cref="CountFriendsAvx512"/> does).
    /// </summary>
    private byte* FriendBytes(ulong[] words, int node)
    {
        FriendCounts? kept = Counts;
        if (kept is not null && CountsReused) return kept.Of(node);
        byte* bytes = kept is not null ? kept.Of(node) : (byte*)_bytes.Pointer;
        CountFriendBytes(words, node, bytes);
        return bytes;
    }

    /// <summary>
    /// <see cref="CountFriendsAvx512"/>'s byte counters for a unit with at most 255 friends (no flush), stored at
    /// <paramref name="destination"/> [i · 64 + p] for the counted indicators instead of widened: with two counted
    /// indicators (the common case: two permuted treatments) both counters stay in registers through the walk.
    /// </summary>
    private void CountFriendBytes(ulong[] words, int node, byte* destination)
    {
        ModelProblem problem = _problem;
        int indicators = problem.IndicatorCount;
        int[] neighbors = problem.Neighbors;
        long first = problem.RowOffsets[node], end = problem.RowOffsets[node + 1];
        long graphEnd = neighbors.LongLength;
        int[] counted = _countedIndicators;
        if (counted.Length == 2)
        {
            int i0 = counted[0], i1 = counted[1];
            Vector512<byte> sum0 = default, sum1 = default;
            for (long e = first; e < end; e++)
            {
                if (e + PrefetchDistance < graphEnd) ChunkAccumulator.Prefetch(words, (long)neighbors[e + PrefetchDistance] * indicators);
                long at = (long)neighbors[e] * indicators;
                Avx512BitSpread.AddBits(words[at + i0], ref sum0);
                Avx512BitSpread.AddBits(words[at + i1], ref sum1);
            }
            Vector512.Store(sum0, destination + i0 * W);
            Vector512.Store(sum1, destination + i1 * W);
            return;
        }
        Span<Vector512<byte>> sums = stackalloc Vector512<byte>[ModelProblem.MaxIndicators];
        sums.Clear();
        for (long e = first; e < end; e++)
        {
            if (e + PrefetchDistance < graphEnd) ChunkAccumulator.Prefetch(words, (long)neighbors[e + PrefetchDistance] * indicators);
            long at = (long)neighbors[e] * indicators;
            foreach (int i in counted) Avx512BitSpread.AddBits(words[at + i], ref sums[i]);
        }
        foreach (int i in counted) Vector512.Store(sums[i], destination + i * W);
    }

    /// <summary>counts[j] += bytes[j] for 32 byte counters.</summary>
    private static void AddWidened(Vector256<byte> bytes, int* counts)
    {
        for (int part = 0; part < 4; part++)
        {
            Vector256<int> widened = Avx2.ConvertToVector256Int32(Vector128.CreateScalar(bytes.AsUInt64().GetElement(part)).AsByte());
            Avx.Store(counts + 8 * part, Avx2.Add(Avx.LoadVector256(counts + 8 * part), widened));
        }
    }

    /// <summary>values[p] = counts[p] as doubles (exact), four at a time where AVX allows.</summary>
    private static void Widen(ReadOnlySpan<int> counts, Span<double> values, int lanes)
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            fixed (int* c = counts)
            fixed (double* v = values)
            {
                for (; p + 4 <= lanes; p += 4) Avx.Store(v + p, Avx.ConvertToVector256Double(Sse2.LoadVector128(c + p)));
            }
        }
        for (; p < lanes; p++) values[p] = counts[p];
    }

    /// <summary>values[p] = counts[p] / degree (<see cref="ShareExposure"/>: 0 without friends); the division is IEEE's, lane or scalar.</summary>
    private static void Share(ReadOnlySpan<int> counts, int degree, Span<double> values, int lanes)
    {
        Widen(counts, values, lanes);
        if (degree == 0) return; // no friends: every count, hence every share, is 0
        var divisor = new Vector<double>(degree);
        for (int p = 0; p < lanes; p += Vector<double>.Count) (new Vector<double>(values[p..]) / divisor).CopyTo(values[p..]);
    }

    /// <summary>values[p] = 1 where counts[p] ≥ <paramref name="threshold"/>, else 0 (<see cref="AtLeastExposure"/>; any is a threshold of 1).</summary>
    private static void AtLeast(ReadOnlySpan<int> counts, int threshold, Span<double> values, int lanes)
    {
        Widen(counts, values, lanes);
        var bound = new Vector<double>(threshold);
        for (int p = 0; p < lanes; p += Vector<double>.Count)
        {
            var count = new Vector<double>(values[p..]);
            Vector.ConditionalSelect(Vector.GreaterThanOrEqual(count, bound), Vector<double>.One, Vector<double>.Zero).CopyTo(values[p..]);
        }
    }

    /// <summary>values[p] |= level where bit p of <paramref name="word"/> is set (the levels of an atom never overlap).</summary>
    private static void SelectLevel(ulong word, double level, Span<double> values, int lanes)
    {
        var value = new Vector<double>(level);
        int step = Vector<double>.Count;
        ulong mask = (1UL << step) - 1;
        for (int p = 0; p < lanes; p += step)
        {
            Vector<double> selected = Vector.BitwiseAnd(LaneMasks.Of[(int)((word >> p) & mask)], value);
            Vector.BitwiseOr(new Vector<double>(values[p..]), selected).CopyTo(values[p..]);
        }
    }

    private static void Fill<TExposure>(
        TExposure exposure, ReadOnlySpan<int> counts, int degree, ReadOnlySpan<double> treatedWeight, double weight, Span<double> values, int lanes)
        where TExposure : struct, IExposure
    {
        for (int p = 0; p < lanes; p++) values[p] = exposure.Value(counts[p], degree, treatedWeight[p], weight);
    }
}
