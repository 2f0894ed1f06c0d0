using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GpuInference.Backends.Models;
using GpuInference.Kernels.Exposures;
using GpuInference.Model;
using GpuInference.Model.Formula;

namespace GpuInference.Inference.Models;

/// <summary>
/// Lays a compiled model out for the backends (<see cref="ModelProblem"/>): the moving terms flattened into
/// indicators, atoms and products; the units sorted by absorbed group (and cluster) and cut into chunks;
/// the fixed part reduced to the residualised outcome, its basis and the leverages. Returns null, with the reason,
/// for a model the batched path cannot take (the reference path then fits it permutation by permutation).
/// </summary>
public static class ModelLayout
{
    /// <summary>Units per chunk at most: small enough for many chunks per thread, large enough that partials stay small.</summary>
    public const int ChunkUnits = 2048;

    /// <summary>
    /// The most memory a batch's sums may take (the chunks' partials of both passes and the second pass's
    /// per-permutation parameters): beyond it the reference path, whose memory does not grow with the groups, runs.
    /// </summary>
    public const long MaxBatchBytes = 4L << 30;

    /// <param name="model">The compiled model.</param>
    /// <param name="fixedPart">Its fixed part.</param>
    /// <param name="residualOutcome">The outcome residualised on the fixed part, in unit order.</param>
    /// <param name="covariance">The covariance inside permutations, or null when only coefficients are needed.</param>
    /// <param name="reason">Why the model cannot be laid out, when it cannot.</param>
    /// <param name="threads">Threads for renumbering the graph (0: all cores); the layout is the same for any count.</param>
    /// <param name="maxBatchBytes">The most a batch's sums may take (<see cref="MaxBatchBytes"/>).</param>
    public static ModelProblem? Build(
        CompiledModel model, FixedPart fixedPart, double[] residualOutcome, PermutationCovariance? covariance, out string? reason, int threads = 0,
        long maxBatchBytes = MaxBatchBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(fixedPart);
        var program = new TermProgram(model);
        reason = program.Refusal();
        if (reason is not null) return null;

        int n = model.UnitCount;
        int[]? groups = fixedPart.Groups;
        int[]? clusters = covariance?.IsClustered == true ? covariance.Clusters : null;
        int[]? order = Order(n, groups, clusters, out reason);
        if (order is null) return null;

        int k = model.Moving.Length;
        int groupCount = groups is null ? 1 : fixedPart.GroupCount;
        int[] unitGroup = groups is null ? new int[n] : Permute(groups, order);
        int[] groupSize = new int[groupCount];
        foreach (int g in unitGroup) groupSize[g]++;

        var basis = new double[(long)fixedPart.Basis.Count * n];
        for (int j = 0; j < fixedPart.Basis.Count; j++)
        {
            double[] column = fixedPart.Basis[j];
            for (int i = 0; i < n; i++) basis[(long)j * n + i] = column[order[i]];
        }
        int[]? unitCluster = clusters is null ? null : Permute(clusters, order);
        bool clustersOutside = clusters is not null && groups is not null && NestedIn(groups, clusters);
        (int[] chunkStart, int[] chunkGroup, int[]? chunkCluster) = clustersOutside
            ? Swap(Chunks(unitCluster!, unitGroup))
            : Chunks(unitGroup, unitCluster ?? unitGroup, clusters is not null);
        long bytes = BatchBytes(chunkStart.Length - 1, groupCount, k, fixedPart.Basis.Count, covariance);
        if (bytes > maxBatchBytes)
        {
            reason = $"{chunkStart.Length - 1:N0} chunks and {groupCount:N0} absorbed groups would need {bytes >> 20:N0} MiB of sums per batch "
                + $"(more than {maxBatchBytes >> 20:N0} MiB)";
            return null;
        }
        bool[] exact = program.ExactTerms(model);
        int[] fileNode = Renumbering(model, order);
        (long[] rows, int[] neighbors, float[]? weights) = Renumber(model.Graph, fileNode, program.ReadsWeights, threads);
        return new ModelProblem
        {
            NodeCount = model.Graph.NodeCount,
            FileNode = fileNode,
            RowOffsets = rows,
            Neighbors = neighbors,
            Weights = weights,
            Indicators = [.. program.Indicators],
            AtomKind = [.. program.Atoms.Select(a => a.Kind)],
            AtomParameter = [.. program.Atoms.Select(a => a.Parameter)],
            AtomIndicator = [.. program.Atoms.Select(a => a.Indicator)],
            LevelStart = program.LevelStarts(),
            LevelIndicator = [.. program.Atoms.SelectMany(a => a.Levels.Select(l => l.Indicator))],
            LevelValue = [.. program.Atoms.SelectMany(a => a.Levels.Select(l => l.Value))],
            TermStart = program.TermStarts(),
            TermAtoms = [.. program.Terms.SelectMany(t => t.Atoms)],
            TermFixedFactor = [.. program.Terms.Select((t, index) => t.FixedFactor is null ? -1 : program.FixedFactorIndex(index))],
            FixedFactors = [.. program.Terms.Where(t => t.FixedFactor is not null).Select(t => Permute(t.FixedFactor!, order))],
            UnitCount = n,
            Outcome = Permute(residualOutcome, order),
            Basis = basis,
            BasisCount = fixedPart.Basis.Count,
            Absorbs = groups is not null,
            UnitGroup = unitGroup,
            GroupSize = groupSize,
            Shift = Shifts(model, groups, groupCount, k, exact),
            ExactTerms = exact,
            Leverage = Permute(fixedPart.Leverage, order),
            ChunkStart = chunkStart,
            ChunkGroup = chunkGroup,
            ChunkCluster = chunkCluster,
            UnitCluster = unitCluster,
            ClusterCount = covariance?.IsClustered == true ? covariance.ClusterCount : 0,
            BaselineCode = MostCommonCode(model.ObservedCodes),
        };
    }

    /// <summary>The code most nodes hold (the smallest of those tied): the baseline that changes are listed and summed from.</summary>
    public static int MostCommonCode(ReadOnlySpan<int> codes)
    {
        var counts = new Dictionary<int, int>();
        foreach (int code in codes) counts[code] = counts.GetValueOrDefault(code) + 1;
        return counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key).FirstOrDefault().Key;
    }

    /// <summary>Bytes of a batch's sums: partials of the first pass, and of the second with its parameters when one is needed.</summary>
    private static long BatchBytes(long chunks, long groups, int k, int basis, PermutationCovariance? covariance)
    {
        var slots = new ModelSlots(k, basis);
        long doubles = chunks * slots.FirstPass + groups * k;
        if (covariance is not null && covariance.Type != "Classical")
            doubles += chunks * slots.SecondPass(covariance.IsClustered) + slots.Means + groups * k + (covariance.IsClustered ? covariance.ClusterCount * (long)k : 0);
        return doubles * ModelSlots.Width * sizeof(double);
    }

    /// <summary>The file node of each problem node: the units in layout order, then every other node in file order.</summary>
    private static int[] Renumbering(CompiledModel model, int[] order)
    {
        int nodes = model.Graph.NodeCount;
        var fileNode = new int[nodes];
        var isUnit = new bool[nodes];
        for (int i = 0; i < order.Length; i++)
        {
            fileNode[i] = model.UnitNodes[order[i]];
            isUnit[fileNode[i]] = true;
        }
        int next = order.Length;
        for (int node = 0; node < nodes; node++)
        {
            if (!isUnit[node]) fileNode[next++] = node;
        }
        return fileNode;
    }

    /// <summary>Nodes per task of <see cref="Renumber"/>.</summary>
    private const int RenumberRange = 1 << 14;

    /// <summary>The graph under the renumbering, each row's friends (and weights) in their file order.</summary>
    private static (long[] Rows, int[] Neighbors, float[]? Weights) Renumber(Graph.CsrGraph graph, int[] fileNode, bool withWeights, int threads)
    {
        int nodes = fileNode.Length;
        var problemNode = new int[nodes];
        for (int v = 0; v < nodes; v++) problemNode[fileNode[v]] = v;
        var rows = new long[nodes + 1];
        for (int v = 0; v < nodes; v++) rows[v + 1] = rows[v] + graph.RowOffsets[fileNode[v] + 1] - graph.RowOffsets[fileNode[v]];
        var neighbors = new int[graph.Columns.Length];
        float[]? weights = withWeights && graph.Weights is not null ? new float[graph.Columns.Length] : null;
        // Ranges of nodes rather than one call per node: a call per node left this loop in unoptimized code for much
        // of its run (the runtime compiles a method optimized only after it has been called for a while).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.ForEach(Partitioner.Create(0, nodes, RenumberRange), parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (range) =>
        {
            for (int v = range.Item1; v < range.Item2; v++)
            {
                long from = graph.RowOffsets[fileNode[v]], count = rows[v + 1] - rows[v];
                for (long e = 0; e < count; e++)
                {
                    neighbors[rows[v] + e] = problemNode[graph.Columns[from + e]];
                    if (weights is not null) weights[rows[v] + e] = graph.Weights![from + e];
                }
            }
        });
        return (rows, neighbors, weights);
    }

    /// <summary>
    /// Units sorted by group and cluster, the nested one second (ties in unit order); null when the two cross, since
    /// a chunk must then lie in one of each and neither order keeps both together.
    /// </summary>
    private static int[]? Order(int n, int[]? groups, int[]? clusters, out string? reason)
    {
        reason = null;
        int[] order = [.. Enumerable.Range(0, n)];
        if (groups is not null && clusters is not null)
        {
            if (NestedIn(groups, clusters)) return StableBy(StableBy(order, groups), clusters);
            if (NestedIn(clusters, groups)) return StableBy(StableBy(order, clusters), groups);
            reason = "the clusters and the absorbed fixed effect cross (neither nests in the other)";
            return null;
        }
        int[]? key = groups ?? clusters;
        return key is null ? order : StableBy(order, key);
    }

    /// <summary>
    /// <paramref name="order"/> sorted by the dense ids <paramref name="key"/>[unit], ties kept in their order: a
    /// counting sort, O(n) where a comparison sort of 15M units takes seconds. Applied inner key first, then outer,
    /// it sorts by (outer, inner), ties in unit order.
    /// </summary>
    private static int[] StableBy(int[] order, int[] key)
    {
        var start = new int[key.Max() + 2];
        foreach (int unit in order) start[key[unit] + 1]++;
        for (int id = 1; id < start.Length; id++) start[id] += start[id - 1];
        var sorted = new int[order.Length];
        foreach (int unit in order) sorted[start[key[unit]]++] = unit;
        return sorted;
    }

    /// <summary>Whether every inner id lies inside one outer id (both dense, from 0).</summary>
    private static bool NestedIn(int[] inner, int[] outer)
    {
        var outerOf = new int[inner.Max() + 1];
        Array.Fill(outerOf, -1);
        for (int i = 0; i < inner.Length; i++)
        {
            if (outerOf[inner[i]] >= 0 && outerOf[inner[i]] != outer[i]) return false;
            outerOf[inner[i]] = outer[i];
        }
        return true;
    }

    /// <summary>
    /// Cuts the units into chunks by an outer key and an inner key nested in it (layout order: sorted by outer, then
    /// inner). Whole outer items are packed into chunks of at most <see cref="ChunkUnits"/> units (shares −1, −1); an
    /// outer item larger than that gets chunks of its own, packing its whole inner items (shares o, −1), and an inner
    /// item larger than a chunk gets chunks of its own (shares o, i). A chunk thus holds whole items of a key, or a
    /// share of one item, for each key: whole items' sums are written whole per item, shares added up on the host.
    /// </summary>
    /// <param name="outer">The outer key per unit (the absorbed group, or the cluster when groups nest in clusters).</param>
    /// <param name="inner">The inner key per unit (the outer key again when there is only one).</param>
    /// <param name="withInner">Whether the inner key's shares are reported (false: only the outer key matters).</param>
    private static (int[] Start, int[] Outer, int[]? Inner) Chunks(int[] outer, int[] inner, bool withInner = true)
    {
        var start = new List<int>();
        var outerShare = new List<int>();
        var innerShare = new List<int>();
        void Open(int at, int o, int i)
        {
            start.Add(at);
            outerShare.Add(o);
            innerShare.Add(i);
        }
        int n = outer.Length;
        for (int a = 0; a < n;)
        {
            int b = RunEnd(outer, a);
            if (b - a <= ChunkUnits)
            {
                if (start.Count == 0 || outerShare[^1] >= 0 || b - start[^1] > ChunkUnits) Open(a, -1, -1);
            }
            else
            {
                for (int c = a; c < b;)
                {
                    int d = RunEnd(inner, c, b);
                    if (d - c <= ChunkUnits)
                    {
                        if (start.Count == 0 || outerShare[^1] != outer[a] || innerShare[^1] >= 0 || d - start[^1] > ChunkUnits) Open(c, outer[a], -1);
                    }
                    else
                    {
                        for (int from = c; from < d; from += ChunkUnits) Open(from, outer[a], inner[c]);
                    }
                    c = d;
                }
            }
            a = b;
        }
        start.Add(n);
        return ([.. start], [.. outerShare], withInner ? [.. innerShare] : null);
    }

    /// <summary>Where the run of equal keys that starts at <paramref name="from"/> ends (at most at <paramref name="limit"/>).</summary>
    private static int RunEnd(int[] key, int from, int limit = int.MaxValue)
    {
        int end = from;
        limit = Math.Min(limit, key.Length);
        while (end < limit && key[end] == key[from]) end++;
        return end;
    }

    /// <summary>Chunks cut with the clusters outside: their shares named the other way round.</summary>
    private static (int[] Start, int[] Group, int[]? Cluster) Swap((int[] Start, int[] Outer, int[]? Inner) chunks) =>
        (chunks.Start, chunks.Inner!, chunks.Outer);

    /// <summary>
    /// The observed mean of each moving term in each absorbed group (or overall, when an intercept is fitted): a shift
    /// the fixed part absorbs exactly, which keeps the raw sums of the first pass near the scale of the terms' spread.
    /// An exact term (<paramref name="exact"/>) is not shifted: its sums are then whole numbers, exact in any order.
    /// </summary>
    private static double[] Shifts(CompiledModel model, int[]? groups, int groupCount, int k, bool[] exact)
    {
        var shift = new double[groupCount * k];
        bool intercept = model.FixedNames.Contains(CompiledModel.InterceptName);
        if (groups is null && !intercept) return shift;
        var values = new double[model.UnitCount];
        var size = new double[groupCount];
        for (int i = 0; i < model.UnitCount; i++) size[groups?[i] ?? 0]++;
        for (int t = 0; t < k; t++)
        {
            if (exact[t]) continue;
            model.Moving[t].Evaluate(model.Graph, model.UnitNodes, model.ObservedCodes, values);
            for (int i = 0; i < values.Length; i++) shift[(groups?[i] ?? 0) * k + t] += values[i];
            for (int g = 0; g < groupCount; g++) shift[g * k + t] /= size[g];
        }
        return shift;
    }

    private static T[] Permute<T>(T[] values, int[] order) => [.. order.Select(i => values[i])];

    /// <summary>The moving terms as indicators, atoms (deduplicated) and products of atoms.</summary>
    private sealed class TermProgram
    {
        private readonly Dictionary<string, int> _indicatorIndex = [];
        private readonly Dictionary<string, int> _atomIndex = [];
        private string? _refusal;

        public TermProgram(CompiledModel model)
        {
            foreach (MovingTerm term in model.Moving)
            {
                var atoms = new List<int>();
                double[]? factor = null;
                Flatten(term, atoms, ref factor);
                Terms.Add((atoms, factor));
            }
        }

        public List<bool[]> Indicators { get; } = [];

        public List<(int Kind, int Parameter, int Indicator, List<(int Indicator, double Value)> Levels)> Atoms { get; } = [];

        public List<(List<int> Atoms, double[]? FixedFactor)> Terms { get; } = [];

        public bool ReadsWeights => Atoms.Any(a => a.Kind >= 0 && ExposureCodes.IsWeighted(a.Kind));

        public string? Refusal()
        {
            if (_refusal is not null) return _refusal;
            if (Indicators.Count > ModelProblem.MaxIndicators) return $"{Indicators.Count} treatment indicators (at most {ModelProblem.MaxIndicators})";
            if (Atoms.Count > ModelProblem.MaxAtoms) return $"{Atoms.Count} distinct exposures and own treatments (at most {ModelProblem.MaxAtoms})";
            if (Terms.Count > ModelProblem.MaxTerms) return $"{Terms.Count} moving terms (at most {ModelProblem.MaxTerms})";
            return null;
        }

        public int[] LevelStarts()
        {
            var starts = new int[Atoms.Count + 1];
            for (int a = 0; a < Atoms.Count; a++) starts[a + 1] = starts[a] + Atoms[a].Levels.Count;
            return starts;
        }

        public int[] TermStarts()
        {
            var starts = new int[Terms.Count + 1];
            for (int t = 0; t < Terms.Count; t++) starts[t + 1] = starts[t] + Terms[t].Atoms.Count;
            return starts;
        }

        /// <summary>
        /// Per term: whether every value it can take under any assignment is a whole number no larger than B in
        /// magnitude with units · B² ≤ 2^53, so that each product of two such terms, and every partial sum of those
        /// products or of the terms over the units, is exact in a double. Counts, thresholds, own treatments with
        /// whole levels and their products (with whole fixed factors) qualify; shares and tie weights do not.
        /// </summary>
        public bool[] ExactTerms(CompiledModel model)
        {
            int maxDegree = 0;
            for (int node = 0; node < model.Graph.NodeCount; node++) maxDegree = Math.Max(maxDegree, model.Graph.Degree(node));
            var exact = new bool[Terms.Count];
            for (int t = 0; t < Terms.Count; t++)
            {
                double bound = 1;
                foreach (int a in Terms[t].Atoms) bound *= AtomBound(Atoms[a], maxDegree);
                if (Terms[t].FixedFactor is { } factor) bound *= factor.All(IsWhole) ? factor.Max(v => Math.Abs(v)) : double.NaN;
                exact[t] = bound * bound * Math.Max(1, model.UnitCount) <= 9007199254740992.0; // 2^53; NaN (not whole) compares false
            }
            return exact;
        }

        /// <summary>The largest magnitude an atom takes, or NaN where it can take a fraction.</summary>
        private static double AtomBound((int Kind, int Parameter, int Indicator, List<(int Indicator, double Value)> Levels) atom, int maxDegree) => atom.Kind switch
        {
            ModelProblem.OwnValueAtom => atom.Levels.All(l => IsWhole(l.Value)) ? atom.Levels.Select(l => Math.Abs(l.Value)).DefaultIfEmpty(0).Max() : double.NaN,
            ExposureCodes.Count => maxDegree,
            ExposureCodes.Any or ExposureCodes.AtLeast => 1,
            _ => double.NaN,
        };

        private static bool IsWhole(double value) => double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) <= 67108864.0; // 2^26

        /// <summary>The index among the terms that have a fixed factor.</summary>
        public int FixedFactorIndex(int term) => Terms.Take(term).Count(t => t.FixedFactor is not null);

        private void Flatten(MovingTerm term, List<int> atoms, ref double[]? factor)
        {
            switch (term)
            {
                case OwnTreatmentTerm own:
                    var levels = own.ValueByCode.Distinct().Where(v => v != 0)
                        .Select(v => (Indicator(own.ValueByCode.Select(x => x == v).ToArray()), v)).ToList();
                    atoms.Add(Atom(ModelProblem.OwnValueAtom, 0, -1, levels));
                    break;
                case FriendExposureTerm exposure:
                    atoms.Add(Atom((int)exposure.Kind, exposure.Kind == ExposureKind.AtLeast ? exposure.K : 0, Indicator(exposure.TreatedByCode), []));
                    break;
                case MovingProductTerm product:
                    foreach (MovingTerm inner in product.Factors) Flatten(inner, atoms, ref factor);
                    if (product.FixedFactor is not null)
                    {
                        double[] previous = factor ?? [];
                        factor = factor is null ? product.FixedFactor : [.. previous.Select((v, i) => v * product.FixedFactor[i])];
                    }
                    break;
                default:
                    _refusal = $"a term of kind {term.GetType().Name}";
                    break;
            }
        }

        private int Indicator(bool[] byCode)
        {
            string key = string.Concat(byCode.Select(b => b ? '1' : '0'));
            if (_indicatorIndex.TryGetValue(key, out int index)) return index;
            Indicators.Add(byCode);
            return _indicatorIndex[key] = Indicators.Count - 1;
        }

        private int Atom(int kind, int parameter, int indicator, List<(int Indicator, double Value)> levels)
        {
            string key = $"{kind}/{parameter}/{indicator}/{string.Join(";", levels.Select(l => $"{l.Indicator}={l.Value:R}"))}";
            if (_atomIndex.TryGetValue(key, out int index)) return index;
            Atoms.Add((kind, parameter, indicator, levels));
            return _atomIndex[key] = Atoms.Count - 1;
        }
    }
}
