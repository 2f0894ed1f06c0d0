using System.Numerics;
using GpuInference.Backends.Cpu;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Backends.Models;

/// <summary>
/// The moving terms of one unit under the 64 permutations of a batch, on the host: one walk over the unit's friends
/// counts every indicator at once (byte lanes, eight permutations per addition) and sums tie weights where a term
/// reads them; then each atom, each product and each shift, permutation-minor so that whole vectors are multiplied.
/// The arithmetic is the device kernel's, step for step (see <c>Kernels.Models.ModelKernels</c>). One per thread.
/// </summary>
internal sealed class UnitTerms
{
    private const int W = ModelSlots.Width;

    /// <summary>How many edges ahead the friends' words are prefetched (at scale nearly every friend is a cache miss).</summary>
    private const int PrefetchDistance = 24;

    private readonly ModelProblem _problem;
    private readonly int[] _counts;
    private readonly double[] _treatedWeight;
    private readonly double[] _atoms;
    private readonly ulong[] _lanes;

    public UnitTerms(ModelProblem problem)
    {
        _problem = problem;
        _counts = new int[problem.IndicatorCount * W];
        _treatedWeight = new double[problem.IndicatorCount * W];
        _atoms = new double[problem.AtomCount * W];
        _lanes = new ulong[problem.IndicatorCount * ByteLanes.Count];
        Values = new double[problem.TermCount * W];
    }

    /// <summary>Values[t · 64 + p]: term t of the last unit evaluated, under permutation p.</summary>
    public double[] Values { get; }

    /// <summary>Evaluates every moving term of unit <paramref name="unit"/> (layout order).</summary>
    public void Evaluate(ulong[] words, int unit)
    {
        ModelProblem problem = _problem;
        int node = problem.UnitNodes[unit];
        int degree = (int)(problem.RowOffsets[node + 1] - problem.RowOffsets[node]);
        double weight = CountFriends(words, node);
        int indicators = problem.IndicatorCount;
        for (int a = 0; a < problem.AtomCount; a++)
        {
            Span<double> values = _atoms.AsSpan(a * W, W);
            int kind = problem.AtomKind[a];
            if (kind == ModelProblem.OwnValueAtom)
            {
                values.Clear();
                for (int l = problem.LevelStart[a]; l < problem.LevelStart[a + 1]; l++)
                {
                    ulong word = words[(long)node * indicators + problem.LevelIndicator[l]];
                    double level = problem.LevelValue[l];
                    for (; word != 0; word &= word - 1) values[BitOperations.TrailingZeroCount(word)] = level;
                }
                continue;
            }
            int i = problem.AtomIndicator[a];
            ReadOnlySpan<int> counts = _counts.AsSpan(i * W, W);
            ReadOnlySpan<double> treated = _treatedWeight.AsSpan(i * W, W);
            switch (kind)
            {
                case ExposureCodes.Count: Fill(default(CountExposure), counts, degree, treated, weight, values); break;
                case ExposureCodes.Share: Fill(default(ShareExposure), counts, degree, treated, weight, values); break;
                case ExposureCodes.Any: Fill(default(AnyExposure), counts, degree, treated, weight, values); break;
                case ExposureCodes.AtLeast: Fill(new AtLeastExposure(problem.AtomParameter[a]), counts, degree, treated, weight, values); break;
                case ExposureCodes.WeightedSum: Fill(default(WeightedSumExposure), counts, degree, treated, weight, values); break;
                default: Fill(default(WeightedShareExposure), counts, degree, treated, weight, values); break;
            }
        }
        int group = problem.UnitGroup[unit];
        int k = problem.TermCount;
        for (int t = 0; t < k; t++)
        {
            Span<double> term = Values.AsSpan(t * W, W);
            int first = problem.TermStart[t], end = problem.TermStart[t + 1];
            _atoms.AsSpan(problem.TermAtoms[first] * W, W).CopyTo(term);
            for (int f = first + 1; f < end; f++) Multiply(term, _atoms.AsSpan(problem.TermAtoms[f] * W, W));
            int factor = problem.TermFixedFactor[t];
            if (factor >= 0) Scale(term, problem.FixedFactors[factor][unit]);
            Subtract(term, problem.Shift[group * k + t]);
        }
    }

    /// <summary>Counts each indicator's set bits over the friends per permutation; returns the friends' total tie weight.</summary>
    private double CountFriends(ulong[] words, int node)
    {
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
                for (int i = 0; i < indicators; i++) ByteLanes.Add(lanes.Slice(i * ByteLanes.Count, ByteLanes.Count), words[at + i]);
                if (weights is null) continue;
                double w = weights[e];
                weight += w;
                for (int i = 0; i < indicators; i++)
                {
                    for (ulong word = words[at + i]; word != 0; word &= word - 1) _treatedWeight[i * W + BitOperations.TrailingZeroCount(word)] += w;
                }
            }
            for (int i = 0; i < indicators; i++) ByteLanes.Flush(lanes.Slice(i * ByteLanes.Count, ByteLanes.Count), _counts.AsSpan(i * W, W));
            first = stop;
        }
        return weight;
    }

    private static void Fill<TExposure>(
        TExposure exposure, ReadOnlySpan<int> counts, int degree, ReadOnlySpan<double> treatedWeight, double weight, Span<double> values)
        where TExposure : struct, IExposure
    {
        for (int p = 0; p < W; p++) values[p] = exposure.Value(counts[p], degree, treatedWeight[p], weight);
    }

    private static void Multiply(Span<double> target, ReadOnlySpan<double> factor)
    {
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(target[p..]) * new Vector<double>(factor[p..])).CopyTo(target[p..]);
    }

    private static void Scale(Span<double> target, double factor)
    {
        var f = new Vector<double>(factor);
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(target[p..]) * f).CopyTo(target[p..]);
    }

    private static void Subtract(Span<double> target, double shift)
    {
        var s = new Vector<double>(shift);
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(target[p..]) - s).CopyTo(target[p..]);
    }
}
