using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Backends.Models;

/// <summary>
/// Σ m ỹ and Σ q mᵀ of the moving terms that are linear in the assignment (count, share, wsum and wshare of one
/// indicator, a unit's own value, each possibly times a fixed factor), taken from the nodes whose indicators differ
/// from the baseline code's instead of from every unit under every permutation.
/// <para>
/// Such a term is m_u = Σ_j c_uj · ind(code_j), so Σ_u ỹ_u m_u = Σ_j ind(code_j) ρ_j with ρ_j = Σ_u ỹ_u c_uj, and
/// likewise for each basis column q. The ρ of every node are computed once per model; a permutation's sum is then the
/// baseline assignment's (every node at the baseline code, shifts taken out) plus ± ρ_j for each node j whose
/// indicator differs from the baseline's. When most nodes hold one code, that is a few percent of the nodes instead of
/// every unit times 64 permutations, and the unit walk is left with Σ m, Σ m mᵀ and the other terms' sums.
/// </para>
/// <para>
/// Every backend's fit takes these sums from this one host code, so they have the same bits whichever backend runs;
/// each (term, column, permutation) sum adds the nodes in node order, from the same words whether they were filled
/// from every unit or from a design's changes, so the null does not depend on threads, batches or how the words
/// were filled.
/// </para>
/// </summary>
public sealed unsafe class ChangedNodeSums
{
    /// <summary>The most the per-node ρ may take; beyond it the exposures' sums stay with the unit walk.</summary>
    public const long MaxBytes = 1L << 30;

    private const int W = ModelSlots.Width;

    private readonly ModelProblem _problem;

    /// <summary>The terms summed here, in term order; index h below.</summary>
    private readonly int[] _terms;

    /// <summary>Values per node and term: ỹ, then each basis column.</summary>
    private readonly int _width;

    /// <summary>Per (exposure kind, fixed factor): ρ of every node, [node · width + c].</summary>
    private readonly double[][] _families;

    /// <summary>The address of each family's pinned array.</summary>
    private readonly nint[] _familyRows;

    /// <summary>Per indicator: the columns its bit enters (empty for indicators no summed term reads).</summary>
    private readonly Column[][] _columns;

    /// <summary>Per indicator: where each of its columns' sums start in a permutation's row of the changes (host · <see cref="_hostStride"/>).</summary>
    private readonly int[][] _hostOffsets;

    /// <summary>A summed term's ỹ and basis columns in a row of the changes, padded to whole vectors of eight.</summary>
    private readonly int _hostStride;

    /// <summary>One permutation's row of the changes: every summed term's stretch.</summary>
    private readonly int _changeRow;

    /// <summary>Doubles read past a ρ row's width by the whole-vector additions (the tables are padded by this much).</summary>
    private const int Overread = 8;

    /// <summary>Per indicator: whether the baseline code sets it.</summary>
    private readonly bool[] _baselineSet;

    /// <summary>The sums under the baseline assignment, shifts taken out: [h · width + c].</summary>
    private readonly double[] _baseline;

    /// <summary>The last batch's sums, [(h · width + c) · 64 + p].</summary>
    private readonly double[] _sums;

    /// <summary>
    /// The last batch's changes from the baseline, a row per permutation ([p · row + h · width + c], on cache lines of
    /// their own): a node that differs in lane p adds its ρ row to one contiguous stretch, a few vector additions,
    /// rather than one scalar addition on each of width cache lines.
    /// </summary>
    private readonly AlignedLanes _changes;

    /// <summary>
    /// Term <paramref name="Host"/> gains ρ of family <paramref name="Family"/> where the indicator is set, or, with
    /// family −1, <paramref name="Value"/> times the unit's own ỹ and q (times the term's fixed factor).
    /// </summary>
    private readonly record struct Column(int Host, int Family, double Value, int Factor);

    /// <param name="problem">The laid-out model.</param>
    /// <param name="parallel">Threads for the per-node tables (ρ); one when null.</param>
    public ChangedNodeSums(ModelProblem problem, ParallelOptions? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        bool[] summed = problem.HostSummedTerms;
        _terms = [.. Enumerable.Range(0, problem.TermCount).Where(t => summed[t])];
        _width = 1 + problem.BasisCount;
        var familyIndex = new Dictionary<(int Kind, int Factor), int>();
        var families = new List<(int Kind, int Factor)>();
        var columns = new List<Column>[problem.IndicatorCount];
        for (int i = 0; i < columns.Length; i++) columns[i] = [];
        for (int h = 0; h < _terms.Length; h++)
        {
            int t = _terms[h];
            int atom = problem.TermAtoms[problem.TermStart[t]];
            int kind = problem.AtomKind[atom];
            int factor = problem.TermFixedFactor[t];
            if (kind == ModelProblem.OwnValueAtom)
            {
                for (int l = problem.LevelStart[atom]; l < problem.LevelStart[atom + 1]; l++)
                    columns[problem.LevelIndicator[l]].Add(new Column(h, -1, problem.LevelValue[l], factor));
                continue;
            }
            if (!familyIndex.TryGetValue((kind, factor), out int family))
            {
                family = families.Count;
                familyIndex[(kind, factor)] = family;
                families.Add((kind, factor));
            }
            columns[problem.AtomIndicator[atom]].Add(new Column(h, family, 0, factor));
        }
        _families = Families(families, parallel ?? new ParallelOptions { MaxDegreeOfParallelism = 1 });
        _familyRows = [.. _families.Select(f => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(f)))];
        _columns = [.. columns.Select(c => c.ToArray())];
        _hostStride = (_width + 7) / 8 * 8;
        _hostOffsets = [.. _columns.Select(c => c.Select(column => column.Host * _hostStride).ToArray())];
        _changeRow = _terms.Length * _hostStride;
        _baselineSet = [.. problem.Indicators.Select(set => problem.BaselineCode < set.Length && set[problem.BaselineCode])];
        _baseline = Baseline();
        _sums = new double[_terms.Length * _width * W];
        _changes = new AlignedLanes(W * _changeRow);
    }

    /// <summary>
    /// Which terms the host sums: those of one linear atom, the exposures among them only while their ρ fit in
    /// <see cref="MaxBytes"/>. Decided by the model alone.
    /// </summary>
    public static bool[] Terms(ModelProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var summed = new bool[problem.TermCount];
        var exposures = new bool[problem.TermCount];
        var families = new HashSet<(int, int)>();
        for (int t = 0; t < problem.TermCount; t++)
        {
            if (problem.TermStart[t + 1] - problem.TermStart[t] != 1) continue;
            int kind = problem.AtomKind[problem.TermAtoms[problem.TermStart[t]]];
            if (kind == ModelProblem.OwnValueAtom)
            {
                summed[t] = true;
            }
            else if (kind is ExposureCodes.Count or ExposureCodes.Share or ExposureCodes.WeightedSum or ExposureCodes.WeightedShare)
            {
                summed[t] = exposures[t] = true;
                families.Add((kind, problem.TermFixedFactor[t]));
            }
        }
        long bytes = (long)families.Count * problem.NodeCount * (1 + problem.BasisCount) * sizeof(double);
        if (bytes > MaxBytes)
        {
            for (int t = 0; t < summed.Length; t++) summed[t] &= !exposures[t];
        }
        return summed;
    }

    /// <summary>Σ m ỹ of the h-th summed term under permutation p of the last <see cref="Sum"/>.</summary>
    public double Response(int h, int p) => _sums[(h * _width) * W + p];

    /// <summary>Σ q_j m of the h-th summed term under permutation p of the last <see cref="Sum"/>.</summary>
    public double Projection(int h, int j, int p) => _sums[(h * _width + 1 + j) * W + p];

    /// <summary>The summed terms, in term order.</summary>
    public ReadOnlySpan<int> SummedTerms => _terms;

    /// <summary>
    /// The sums of the batch in <paramref name="words"/> (as <see cref="IndicatorWords"/> fills them, bits at and
    /// above <paramref name="count"/> clear). The permutations are split between the workers, each scanning every
    /// node's words in node order for its own lanes: one worker for every 4 threads (at least one, at most 4), since
    /// the batch's fit runs this beside the unit walk (see <see cref="Workers"/>).
    /// </summary>
    public void Sum(ulong[] words, int count, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(words);
        ulong batch = count == W ? ulong.MaxValue : (1UL << count) - 1;
        int stride = _terms.Length * _width;
        _changes.Span.Clear();
        double* changes = _changes.Pointer;
        int workers = Workers(parallel);
        int part = W / workers; // a whole number of vectors: 64, 32 or 16 lanes
        Parallel.For(0, workers, parallel, worker =>
        {
            ulong mine = batch & (ulong.MaxValue >> (W - part) << (part * worker));
            if (mine == 0) return;
            AddChanges(words, mine, changes);
        });
        for (int s = 0; s < stride; s++)
        {
            int at = s / _width * _hostStride + s % _width;
            for (int p = 0; p < W; p++) _sums[s * W + p] = _baseline[s] + changes[p * _changeRow + at];
        }
    }

    /// <summary>
    /// How many workers <see cref="Sum"/> splits the lanes between: each scans every node's words, so a second worker
    /// doubles the scan to halve the time; beside the unit walk, which keeps the other threads busy, one worker per
    /// four threads is the better trade (1, 2 or 4: each takes a whole number of vectors of lanes).
    /// </summary>
    public static int Workers(ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(parallel);
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        return threads >= 16 ? 4 : threads >= 8 ? 2 : 1;
    }

    /// <summary>
    /// Adds ± ρ_j, in node order, into the lanes of <paramref name="mine"/> whose bit differs from the baseline's.
    /// A node differs in one or two lanes of a batch where few nodes change, so each lane that differs gains its value
    /// alone (the vectors of eight lanes this replaced added +0 to the other seven: the same bits, since a sum that
    /// starts at +0 never becomes −0, with seven eighths of the additions wasted).
    /// </summary>
    private void AddChanges(ulong[] words, ulong mine, double* changes)
    {
        ModelProblem problem = _problem;
        int indicators = problem.IndicatorCount, width = _width;
        int most = _columns.Max(c => c.Length);
        // Each own row padded as the changes are, and zero there: the whole-vector additions read the padding too.
        double* own = stackalloc double[_hostStride * Math.Max(1, most)];
        new Span<double>(own, _hostStride * Math.Max(1, most)).Clear();
        double** rows = stackalloc double*[Math.Max(1, most)];
        fixed (ulong* allWords = words)
        {
            for (long node = 0; node < problem.NodeCount; node++)
            {
                ulong* nodeWords = allWords + node * indicators;
                for (int i = 0; i < indicators; i++)
                {
                    Column[] columns = _columns[i];
                    if (columns.Length == 0) continue;
                    bool set = _baselineSet[i];
                    ulong differs = (nodeWords[i] ^ (set ? mine : 0)) & mine;
                    if (differs == 0) continue;
                    for (int index = 0; index < columns.Length; index++) rows[index] = Row(columns[index], node, own + index * _hostStride);
                    AddDifferences(differs, set, rows, _hostOffsets[i], columns.Length, changes, width, _changeRow);
                }
            }
        }
    }

    /// <summary>
    /// Adds ρ (the rows of one indicator's columns at <paramref name="rows"/>; their sums at <paramref name="hosts"/>
    /// in each permutation's row of the changes) into each lane of <paramref name="differs"/>, or takes it out where the baseline
    /// sets the indicator (a node that differs there has left it). Inlined: its caller is compiled optimized from the
    /// first batch on (it allocates on the stack), and this would otherwise start unoptimized.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddDifferences(ulong differs, bool set, double** rows, int[] hosts, int columns, double* changes, int width, int changeRow)
    {
        for (ulong rest = differs; rest != 0; rest &= rest - 1)
        {
            double* lane = changes + BitOperations.TrailingZeroCount(rest) * changeRow;
            for (int index = 0; index < columns; index++)
            {
                double* row = rows[index], at = lane + hosts[index];
                // Whole vectors of eight: lane-wise IEEE additions, the same as one column at a time; the padding
                // past the width gains whatever follows the row (the next node's ρ, or zeros) and is never read.
                for (int c = 0; c < width; c += 8)
                {
                    Vector512<double> sum = set ? Vector512.Load(at + c) - Vector512.Load(row + c) : Vector512.Load(at + c) + Vector512.Load(row + c);
                    Vector512.Store(sum, at + c);
                }
            }
        }
    }

    /// <summary>ρ of <paramref name="node"/> for one column (ỹ then each basis column): a family's row in place, or an own value's, written into <paramref name="own"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double* Row(in Column column, long node, double* own)
    {
        if (column.Family >= 0) return (double*)_familyRows[column.Family] + node * _width;
        ModelProblem problem = _problem;
        int units = problem.UnitCount;
        if (node >= units)
        {
            new Span<double>(own, _width).Clear();
            return own;
        }
        double value = column.Factor < 0 ? column.Value : column.Value * problem.FixedFactors[column.Factor][node];
        own[0] = value * problem.Outcome[node];
        for (int j = 0; j < problem.BasisCount; j++) own[1 + j] = value * problem.Basis[(long)j * units + node];
        return own;
    }

    /// <summary>
    /// ρ of every node for each exposure kind and fixed factor (<see cref="Family"/>), the families' columns dealt out
    /// in contiguous parts to the threads: each (node, column) is still summed in unit and edge order by one thread,
    /// so the tables have the same bits on any number of threads.
    /// </summary>
    private double[][] Families(List<(int Kind, int Factor)> families, ParallelOptions parallel)
    {
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int parts = Math.Clamp(threads / Math.Max(1, families.Count), 1, _width);
        // read by address in every batch
        double[][] rho = [.. families.Select(_ => GC.AllocateArray<double>(_problem.NodeCount * _width + Overread, pinned: true))];
        Parallel.For(0, families.Count * parts, parallel, task =>
        {
            int family = task / parts, part = task % parts;
            Family(rho[family], families[family].Kind, families[family].Factor, _width * part / parts, _width * (part + 1) / parts);
        });
        return rho;
    }

    /// <summary>
    /// Columns <paramref name="from"/> .. to − 1 (ỹ, then each basis column) of ρ of every node for one exposure kind
    /// and fixed factor: each unit's coefficient on each friend (1, 1/degree, the tie's weight, its share of the
    /// unit's weight) times the factor, times the unit's ỹ and q, added in unit and then edge order.
    /// </summary>
    private void Family(double[] rho, int kind, int factor, int from, int to)
    {
        ModelProblem problem = _problem;
        int width = _width, units = problem.UnitCount;
        float[]? weights = problem.Weights;
        double* values = stackalloc double[width];
        for (int u = 0; u < units; u++)
        {
            long first = problem.RowOffsets[u], end = problem.RowOffsets[u + 1];
            for (int c = from; c < to; c++) values[c] = c == 0 ? problem.Outcome[u] : problem.Basis[(long)(c - 1) * units + u];
            double total = 0;
            if (kind == ExposureCodes.WeightedShare)
            {
                for (long e = first; e < end; e++) total += weights![e];
            }
            double scale = factor < 0 ? 1 : problem.FixedFactors[factor][u];
            for (long e = first; e < end; e++)
            {
                double coefficient = kind switch
                {
                    ExposureCodes.Count => 1,
                    ExposureCodes.Share => 1.0 / (end - first),
                    ExposureCodes.WeightedSum => weights![e],
                    _ => total == 0 ? 0 : weights![e] / total,
                } * scale;
                long at = (long)problem.Neighbors[e] * width;
                for (int c = from; c < to; c++) rho[at + c] += coefficient * values[c];
            }
        }
    }

    /// <summary>
    /// The sums with every node at the baseline code: the ρ of every indicator the baseline sets, in node order,
    /// then each unit's shift times its ỹ and q taken out (a term is its atoms' value minus its group's shift).
    /// </summary>
    private double[] Baseline()
    {
        ModelProblem problem = _problem;
        int width = _width, units = problem.UnitCount, k = problem.TermCount;
        var sums = new double[_terms.Length * width];
        double* own = stackalloc double[width];
        for (long node = 0; node < problem.NodeCount; node++)
        {
            for (int i = 0; i < problem.IndicatorCount; i++)
            {
                if (!_baselineSet[i]) continue;
                foreach (Column column in _columns[i])
                {
                    double* row = Row(column, node, own);
                    for (int c = 0; c < width; c++) sums[column.Host * width + c] += row[c];
                }
            }
        }
        for (int u = 0; u < units; u++)
        {
            int group = problem.UnitGroup[u];
            for (int h = 0; h < _terms.Length; h++)
            {
                double shift = problem.Shift[group * k + _terms[h]];
                sums[h * width] -= shift * problem.Outcome[u];
                for (int j = 0; j < problem.BasisCount; j++) sums[h * width + 1 + j] -= shift * problem.Basis[(long)j * units + u];
            }
        }
        return sums;
    }
}
