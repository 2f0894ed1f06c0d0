using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Backends.Models;

/// <summary>
/// A full batch's terms straight from a unit's 64 byte counters per indicator, for models whose every term is one
/// atom of the counts alone (count, share, any, at least) or a unit's own level, minus its group's shift. The
/// general path widens the counters to integers, writes each atom's 64 lanes and reads them again to subtract the
/// shift; here each group of eight lanes goes from the counters to the term in registers, with the same IEEE
/// operations, so the same bits (atom first, then atom − shift).
/// <para>
/// Below 16 friends a count is one of 16 values, so each atom is one of 16 (the count, its share of the degree,
/// whether it reaches a threshold): those 16 minus the shift are computed once per unit and term, and each lane picks
/// its own by a permute. From 16 to 255 friends each lane is converted and computed as <see cref="FullLaneAtoms"/> does.
/// </para>
/// </summary>
internal sealed unsafe class ByteCountTerms
{
    private const int W = ModelSlots.Width;

    /// <summary>The counts a permute of two 512-bit vectors can index: below this many friends every count is one of them.</summary>
    private const int Picked = 16;

    private readonly ModelProblem _problem;

    /// <summary>Per term: its one atom's kind.</summary>
    private readonly int[] _kind;

    /// <summary>Per term: its one atom.</summary>
    private readonly int[] _atom;

    /// <summary>
    /// Per term of the counts: the atom's value of each count below <see cref="Picked"/>, for each degree below
    /// <see cref="Picked"/>, [(t · Picked + degree) · Picked + count] (64-byte aligned).
    /// </summary>
    private readonly AlignedLanes _atomValues;

    private ByteCountTerms(ModelProblem problem)
    {
        _problem = problem;
        int k = problem.TermCount;
        _kind = new int[k];
        _atom = new int[k];
        _atomValues = new AlignedLanes(k * Picked * Picked);
        for (int t = 0; t < k; t++)
        {
            int atom = problem.TermAtoms[problem.TermStart[t]];
            _atom[t] = atom;
            _kind[t] = problem.AtomKind[atom];
            if (_kind[t] == ModelProblem.OwnValueAtom) continue;
            int threshold = _kind[t] == ExposureCodes.Any ? 1 : problem.AtomParameter[atom];
            for (int degree = 0; degree < Picked; degree++)
            {
                for (int count = 0; count < Picked; count++)
                {
                    // Each value by the exposure's own struct: one definition of each exposure.
                    _atomValues.Span[(t * Picked + degree) * Picked + count] = _kind[t] switch
                    {
                        ExposureCodes.Count => default(CountExposure).Value(count, degree, 0, 0),
                        ExposureCodes.Share => default(ShareExposure).Value(count, degree, 0, 0),
                        _ => new AtLeastExposure(threshold).Value(count, degree, 0, 0), // any() is at least 1
                    };
                }
            }
        }
    }

    /// <summary>
    /// The fast path for a problem, or null where it does not apply: tie weights, a term that is a product of atoms
    /// or has a fixed factor, an atom that reads tie weights, or hardware without native AVX-512.
    /// </summary>
    public static ByteCountTerms? For(ModelProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!IsAccelerated || problem.Weights is not null) return null;
        for (int t = 0; t < problem.TermCount; t++)
        {
            if (problem.TermStart[t + 1] - problem.TermStart[t] != 1 || problem.TermFixedFactor[t] >= 0) return null;
            int kind = problem.AtomKind[problem.TermAtoms[problem.TermStart[t]]];
            if (kind is not (ModelProblem.OwnValueAtom or ExposureCodes.Count or ExposureCodes.Share or ExposureCodes.Any or ExposureCodes.AtLeast)) return null;
        }
        return new ByteCountTerms(problem);
    }

    /// <summary>Whether the hardware runs this natively (the byte counters and the atoms' 512-bit operations).</summary>
    public static bool IsAccelerated => FullLaneAtoms.IsAccelerated && Cpu.Avx512BitSpread.IsSupported && Avx2.IsSupported;

    /// <summary>
    /// Every term of unit <paramref name="unit"/> (at most 255 friends, <paramref name="degree"/> of them) for all 64
    /// lanes into <paramref name="destination"/> ([t · 64 + p]), from its byte counters <paramref name="counts"/>
    /// ([i · 64 + p]; only the indicators some exposure reads) and its own words. Compiled optimized from its first
    /// call, with its helpers inlined: the observed fit's batch would otherwise leave the first permutations running
    /// unoptimized code while the optimized version compiles.
    /// With <paramref name="skip"/>, the terms it marks (small terms its caller reads from bytes) are left unwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(byte* counts, int degree, ulong[] words, int unit, double* destination, bool[]? skip = null)
    {
        ModelProblem problem = _problem;
        int k = problem.TermCount;
        int shifts = problem.UnitGroup[unit] * k;
        for (int t = 0; t < k; t++)
        {
            if (skip is not null && skip[t]) continue;
            double shift = problem.Shift[shifts + t];
            double* term = destination + t * W;
            int kind = _kind[t];
            if (kind == ModelProblem.OwnValueAtom)
            {
                OwnLevels(words, unit, _atom[t], shift, term);
                continue;
            }
            byte* count = counts + problem.AtomIndicator[_atom[t]] * W;
            if (degree < Picked) Pick(count, _atomValues.Pointer + (t * Picked + degree) * Picked, shift, term);
            else if (kind == ExposureCodes.Count) Counts(count, shift, term);
            else if (kind == ExposureCodes.Share) Shares(count, degree, shift, term);
            else AtLeast(count, kind == ExposureCodes.Any ? 1 : problem.AtomParameter[_atom[t]], shift, term);
        }
    }

    /// <summary>term[p] = values[count[p]] − shift: the 16 differences taken once, then one permute per eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pick(byte* count, double* values, double shift, double* term)
    {
        var offset = Vector512.Create(shift);
        Vector512<double> low = Vector512.Load(values) - offset, high = Vector512.Load(values + 8) - offset;
        for (int p = 0; p < W; p += 8) Vector512.Store(Avx512F.PermuteVar8x64x2(low, Index(count + p), high), term + p);
    }

    /// <summary>term[p] = count[p] − shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Counts(byte* count, double shift, double* term)
    {
        var offset = Vector512.Create(shift);
        for (int p = 0; p < W; p += 8) Vector512.Store(SmallTermProducts.Widen(count + p) - offset, term + p);
    }

    /// <summary>term[p] = count[p] / degree − shift, each lane divided (IEEE division: the scalar's bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Shares(byte* count, int degree, double shift, double* term)
    {
        var offset = Vector512.Create(shift);
        var divisor = Vector512.Create((double)degree);
        for (int p = 0; p < W; p += 8) Vector512.Store(SmallTermProducts.Widen(count + p) / divisor - offset, term + p);
    }

    /// <summary>term[p] = (1 where count[p] ≥ threshold, else 0) − shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AtLeast(byte* count, int threshold, double shift, double* term)
    {
        var offset = Vector512.Create(shift);
        var bound = Vector512.Create((double)threshold);
        for (int p = 0; p < W; p += 8)
        {
            Vector512<double> reached = Vector512.GreaterThanOrEqual(SmallTermProducts.Widen(count + p), bound);
            Vector512.Store((reached & Vector512<double>.One) - offset, term + p);
        }
    }

    /// <summary>term[p] = (the levels whose bit p is set, or-ed into 0, as <see cref="FullLaneAtoms.SelectLevel"/>) − shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OwnLevels(ulong[] words, int unit, int atom, double shift, double* term)
    {
        ModelProblem problem = _problem;
        long nodeWords = (long)unit * problem.IndicatorCount;
        int first = problem.LevelStart[atom], end = problem.LevelStart[atom + 1];
        var offset = Vector512.Create(shift);
        // Lane j tests bit j of a byte (a constant here rather than a static field: this runs inside an optimized
        // method that may be compiled before any static field of this class is set).
        Vector512<long> bitOfLane = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);
        if (end == first + 1)
        {
            // One level (a 0/1 treatment): each lane is the level or 0, so its term is one of two differences, taken once.
            ulong word = words[nodeWords + problem.LevelIndicator[first]];
            Vector512<double> set = Vector512.Create(problem.LevelValue[first]) - offset, clear = Vector512<double>.Zero - offset;
            for (int p = 0; p < W; p += 8)
            {
                Vector512<long> bits = Vector512.Create((long)((word >> p) & 0xFF)) & bitOfLane;
                Vector512.Store(Vector512.ConditionalSelect(Vector512.Equals(bits, bitOfLane).AsDouble(), set, clear), term + p);
            }
            return;
        }
        for (int p = 0; p < W; p += 8)
        {
            Vector512<double> value = Vector512<double>.Zero;
            for (int l = first; l < end; l++)
            {
                Vector512<long> bits = Vector512.Create((long)((words[nodeWords + problem.LevelIndicator[l]] >> p) & 0xFF)) & bitOfLane;
                value |= Vector512.Equals(bits, bitOfLane).AsDouble() & Vector512.Create(problem.LevelValue[l]);
            }
            Vector512.Store(value - offset, term + p);
        }
    }

    /// <summary>Eight byte counters as 64-bit indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Index(byte* count) => Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(*(ulong*)count).AsByte());

}
