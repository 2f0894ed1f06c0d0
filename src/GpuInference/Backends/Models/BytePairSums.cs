using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuInference.Backends.Cpu;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Backends.Models;

/// <summary>
/// The first pass's Σ m_a m_b for pairs of small whole-valued terms, in integer lanes: a count of friends, whether
/// a count reaches a threshold, or an own treatment with whole levels, each one byte per permutation (0 to
/// <see cref="MaxValue"/>). Such terms are exact (<see cref="ModelProblem.ExactTerms"/>: never shifted), so their
/// products and sums are whole numbers that doubles hold exactly, and any order of addition gives the same bits:
/// these sums equal, bit for bit, what the device kernels and the double lanes get one product at a time.
/// <para>
/// Four units' bytes are interleaved per permutation, and one multiply-add of unsigned by signed bytes followed by
/// one of 16-bit pairs adds all four units' products for sixteen permutations into 32-bit sums, where the double
/// lanes take eight multiplications and eight additions for eight permutations of one unit. Values at most 127 keep
/// the byte multiply-add from saturating (2 · 127² &lt; 2^15); a chunk's sums stay far below 2^31 (a chunk holds
/// at most 2,048 units, and 2,048 · 127² &lt; 2^25).
/// </para>
/// </summary>
internal sealed unsafe class BytePairSums
{
    private const int W = ModelSlots.Width;

    /// <summary>The largest value a term may take in a block that goes through the integer lanes.</summary>
    public const int MaxValue = 127;

    /// <summary>Per small pair (j, i ≤ j over the small terms): its slot among the first pass's cross sums.</summary>
    private readonly int[] _crossSlot;

    /// <summary>Per term pair (a, b ≤ a) of the model: whether its sum is taken here when a block's bytes are at hand.</summary>
    private readonly bool[] _taken;

    /// <summary>Per small term: its first-pass slot of Σ m (the chunk's own sum, see <see cref="AddBlock"/>'s firsts).</summary>
    private readonly int[] _sumSlot;

    /// <summary>Per term of the model: its index among the small terms (its bytes' row), or −1.</summary>
    private readonly int[] _small;

    /// <summary>Per small term: its atom's kind, and where its indicator's byte counters start (i · 64), or its first level for an own treatment.</summary>
    private readonly int[] _kind, _counters;

    /// <summary>Per small term: the threshold of a count's test (1 for any), or one past its last level for an own treatment.</summary>
    private readonly int[] _parameter;

    private BytePairSums(ModelProblem problem, int[] terms)
    {
        var slots = new ModelSlots(problem.TermCount, problem.BasisCount);
        _kind = new int[terms.Length];
        _counters = new int[terms.Length];
        _parameter = new int[terms.Length];
        for (int j = 0; j < terms.Length; j++)
        {
            int atom = problem.TermAtoms[problem.TermStart[terms[j]]];
            _kind[j] = problem.AtomKind[atom];
            bool own = _kind[j] == ModelProblem.OwnValueAtom;
            _counters[j] = own ? problem.LevelStart[atom] : problem.AtomIndicator[atom] * W;
            _parameter[j] = own ? problem.LevelStart[atom + 1] : _kind[j] == ExposureCodes.Any ? 1 : problem.AtomParameter[atom];
        }
        _sumSlot = [.. terms.Select(t => slots.Sum + t)];
        _small = [.. Enumerable.Repeat(-1, problem.TermCount)];
        for (int j = 0; j < terms.Length; j++) _small[terms[j]] = j;
        _crossSlot = new int[terms.Length * (terms.Length + 1) / 2];
        _taken = new bool[slots.Pairs];
        for (int j = 0; j < terms.Length; j++)
        {
            for (int i = 0; i <= j; i++)
            {
                _crossSlot[ModelSlots.Pair(j, i)] = slots.Cross + ModelSlots.Pair(terms[j], terms[i]);
                _taken[ModelSlots.Pair(terms[j], terms[i])] = true;
            }
        }
    }

    /// <summary>
    /// The integer lanes for a problem whose terms go through <see cref="ByteCountTerms"/> and of which at least two
    /// are small, or null: then the double lanes keep every pair.
    /// </summary>
    public static BytePairSums? For(ModelProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!IsAccelerated || !SmallTermProducts.IsAccelerated || ByteCountTerms.For(problem) is null) return null;
        int[] terms = [.. Enumerable.Range(0, problem.TermCount).Where(t => IsSmall(problem, t))];
        return terms.Length < 2 ? null : new BytePairSums(problem, terms);
    }

    /// <summary>Whether the hardware has the 512-bit byte and word multiply-adds natively.</summary>
    public static bool IsAccelerated => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated && Avx512BitSpread.IsSupported;

    /// <summary>Small terms per unit: the bytes a unit leaves for a block (<see cref="Values"/>) are Terms · 64.</summary>
    public int Terms => _kind.Length;

    /// <summary>32-bit sums a chunk keeps: one row of 64 permutations per small pair, then one per small term (its Σ m).</summary>
    public int SumCount => (_crossSlot.Length + _kind.Length) * W;

    /// <summary>Whether term <paramref name="t"/> of the model is small: with firsts, a block whose units all have bytes leaves its Σ m here.</summary>
    public bool IsSmall(int t) => _small[t] >= 0;

    /// <summary>Term <paramref name="t"/>'s row among a unit's bytes ([j · 64 + p]), or −1 when it is not small.</summary>
    public int SmallIndex(int t) => _small[t];

    /// <summary>
    /// Per term of the model: whether it is small, and so, in a block whose units all have bytes and whose Σ m the
    /// integer lanes take, read from its bytes alone (its doubles are not written; see <see cref="SmallTermProducts"/>).
    /// </summary>
    public bool[] BytesOnly => [.. _small.Select(j => j >= 0)];

    /// <summary>Whether the pair (a, b ≤ a) of the model is summed here for blocks whose units all have bytes.</summary>
    public bool Takes(int a, int b) => _taken[ModelSlots.Pair(a, b)];

    /// <summary>
    /// Term t as bytes: a count, threshold or own treatment of one atom, exact and so not shifted, whose values cannot
    /// pass <see cref="MaxValue"/> once a unit has at most that many friends.
    /// </summary>
    private static bool IsSmall(ModelProblem problem, int t)
    {
        if (t >= problem.ExactTerms.Length || !problem.ExactTerms[t] || problem.TermStart[t + 1] - problem.TermStart[t] != 1 || problem.TermFixedFactor[t] >= 0) return false;
        for (int g = 0; g < problem.GroupCount; g++)
        {
            if (problem.Shift[g * problem.TermCount + t] != 0) return false; // the bytes are the unshifted values
        }
        int atom = problem.TermAtoms[problem.TermStart[t]];
        return problem.AtomKind[atom] switch
        {
            ModelProblem.OwnValueAtom => Enumerable.Range(problem.LevelStart[atom], problem.LevelStart[atom + 1] - problem.LevelStart[atom])
                .All(l => problem.LevelValue[l] is >= 0 and <= MaxValue),
            ExposureCodes.Count or ExposureCodes.Any or ExposureCodes.AtLeast => true,
            _ => false,
        };
    }

    /// <summary>
    /// Writes the small terms of a unit with at most <see cref="MaxValue"/> friends as bytes, [j · 64 + p], from its
    /// byte counters <paramref name="counts"/> ([i · 64 + p]) and its own words; false (nothing written) for a unit
    /// with more friends, whose block then takes the double lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Values(ModelProblem problem, byte* counts, int degree, ulong[] words, int unit, byte* destination)
    {
        if (degree > MaxValue) return false;
        long nodeWords = (long)unit * problem.IndicatorCount;
        for (int j = 0; j < _kind.Length; j++)
        {
            Vector512<byte> value;
            int kind = _kind[j];
            if (kind == ExposureCodes.Count)
            {
                value = Vector512.Load(counts + _counters[j]);
            }
            else if (kind == ModelProblem.OwnValueAtom)
            {
                value = Vector512<byte>.Zero;
                for (int l = _counters[j]; l < _parameter[j]; l++)
                    value |= Avx512BitSpread.Bits(words[nodeWords + problem.LevelIndicator[l]]) & Vector512.Create((byte)problem.LevelValue[l]);
            }
            else
            {
                // any() or atleast(k): 1 where the count reaches the threshold (a count never passes 255).
                int threshold = _parameter[j];
                value = threshold > byte.MaxValue ? Vector512<byte>.Zero
                    : Vector512.GreaterThanOrEqual(Vector512.Load(counts + _counters[j]), Vector512.Create((byte)Math.Max(0, threshold))) & Vector512<byte>.One;
            }
            Vector512.Store(value, destination + j * W);
        }
        return true;
    }

    /// <summary>
    /// Adds the products of every small pair of four units (bytes at units + i · <paramref name="stride"/>) into
    /// <paramref name="sums"/>, and with <paramref name="firsts"/> each small term's four values too (its Σ m, which
    /// the caller then leaves out of its double lanes: a chunk that holds a share of one group sums Σ m per chunk). The
    /// units' bytes are interleaved so that 32-bit lane m of part q holds permutation 16 · (m / 4) + 4 · q + m % 4
    /// (the byte and word unpacks work inside 128-bit lanes); <see cref="Flush"/> undoes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBlock(byte* units, int stride, byte* interleaved, int* sums, bool firsts)
    {
        int small = _kind.Length;
        for (int j = 0; j < small; j++)
        {
            byte* u = units + j * W;
            Vector512<byte> a = Vector512.Load(u), b = Vector512.Load(u + stride), c = Vector512.Load(u + 2 * stride), d = Vector512.Load(u + 3 * stride);
            Vector512<ushort> abLow = Avx512BW.UnpackLow(a, b).AsUInt16(), abHigh = Avx512BW.UnpackHigh(a, b).AsUInt16();
            Vector512<ushort> cdLow = Avx512BW.UnpackLow(c, d).AsUInt16(), cdHigh = Avx512BW.UnpackHigh(c, d).AsUInt16();
            byte* target = interleaved + j * 4 * W;
            Vector512.Store(Avx512BW.UnpackLow(abLow, cdLow).AsByte(), target);
            Vector512.Store(Avx512BW.UnpackHigh(abLow, cdLow).AsByte(), target + W);
            Vector512.Store(Avx512BW.UnpackLow(abHigh, cdHigh).AsByte(), target + 2 * W);
            Vector512.Store(Avx512BW.UnpackHigh(abHigh, cdHigh).AsByte(), target + 3 * W);
        }
        Vector512<short> ones = Vector512.Create((short)1);
        for (int j = 0; firsts && j < small; j++)
        {
            byte* values = interleaved + j * 4 * W;
            int* sum = sums + (_crossSlot.Length + j) * W;
            for (int q = 0; q < 4; q++)
            {
                Vector512<short> two = Avx512BW.MultiplyAddAdjacent(Vector512.Load(values + q * W), Vector512<sbyte>.One);
                Vector512.Store(Vector512.Load(sum + 16 * q) + Avx512BW.MultiplyAddAdjacent(two, ones), sum + 16 * q);
            }
        }
        for (int j = 0; j < small; j++)
        {
            byte* left = interleaved + j * 4 * W;
            for (int i = 0; i <= j; i++)
            {
                byte* right = interleaved + i * 4 * W;
                int* sum = sums + ModelSlots.Pair(j, i) * W;
                for (int q = 0; q < 4; q++)
                {
                    Vector512<short> two = Avx512BW.MultiplyAddAdjacent(Vector512.Load(left + q * W), Vector512.Load(right + q * W).AsSByte());
                    Vector512.Store(Vector512.Load(sum + 16 * q) + Avx512BW.MultiplyAddAdjacent(two, ones), sum + 16 * q);
                }
            }
        }
    }

    /// <summary>
    /// Adds a chunk's 32-bit sums into its double sums <paramref name="chunk"/> (its first-pass slots; whole numbers:
    /// exact, in any order of addition), each in its permutation's lane, and clears them.
    /// </summary>
    public void Flush(int* sums, double* chunk)
    {
        for (int row = 0; row < _crossSlot.Length + _kind.Length; row++)
        {
            int slot = row < _crossSlot.Length ? _crossSlot[row] : _sumSlot[row - _crossSlot.Length];
            Unlace(sums + row * W, chunk + slot * W);
        }
    }

    /// <summary>target[p] += row's sum of permutation p (see <see cref="AddBlock"/>'s interleaving); clears the row.</summary>
    private static void Unlace(int* row, double* target)
    {
        for (int q = 0; q < 4; q++)
        {
            for (int m = 0; m < 16; m++) target[16 * (m / 4) + 4 * q + m % 4] += row[16 * q + m];
        }
        new Span<int>(row, W).Clear();
    }
}
