using GpuInference.Backends;
using GpuInference.Backends.Models;
using GpuInference.Design.Randomization;

namespace GpuInference.Inference.Models;

/// <summary>
/// Where a run's permutations come from: <see cref="Draw"/> writes permutation b's code for every node; a randomized
/// permutation design (<see cref="Design"/>, keyed by <see cref="Seed"/>) can instead list only the nodes whose code
/// is not <see cref="Baseline"/>, which gives the same assignment with far less work when most nodes share one code.
/// </summary>
public sealed record PermutationDraws(Action<long, Span<int>> Draw, RandomizedDesign? Design = null, ulong Seed = 0, int Baseline = 0);

/// <summary>
/// Fits the moving terms for batches of up to 64 permutations through a backend: the design's draws become
/// bit-sliced indicator words, the backend returns each chunk's sufficient statistics, and the host reduces them in
/// chunk order and solves, by Frisch–Waugh–Lovell:
/// <code>
/// A = Σ m mᵀ − Σ_g S_g S_gᵀ / n_g − Cᵀ C      (the Gram matrix of the residualised terms)
/// β = A⁻¹ Σ m ỹ                                 (ỹ: the outcome residualised on the fixed part)
/// </code>
/// Classical standard errors follow from the same sums (RSS = ỹᵀỹ − βᵀ Σ m ỹ); heteroskedastic and clustered ones
/// take a second pass over the units for the meat of the sandwich. Everything after the backend is this one host
/// code, so every backend that returns the same partials gives the same bits.
/// </summary>
internal sealed class BatchedFit
{
    private const int W = ModelSlots.Width;

    private readonly ModelProblem _problem;
    private readonly IModelBackend _backend;
    private readonly PermutationCovariance? _covariance;
    private readonly ModelSlots _slots;
    private readonly IndicatorWords _words;
    private readonly ChangedNodeSums? _changedNodeSums;
    private readonly ParallelOptions _parallel;
    private readonly double[] _first;

    /// <summary>The first pass's M, R and C summed over the chunks in chunk order, [(slot − k) · 64 + p] (see <see cref="TotalChunks"/>).</summary>
    private readonly double[] _totals;

    /// <summary>The heteroskedastic second pass's Σ w z zᵀ summed over the chunks in chunk order, [slot · 64 + p], or null.</summary>
    private readonly double[]? _secondTotals;
    private readonly double[] _groupSums;
    private readonly bool[] _shared;
    private readonly double[] _clusterScores;
    private readonly bool[] _clusterShared;
    private readonly double[]? _second;
    private readonly double[]? _parameters;
    private readonly double _outcomeSquares;

    /// <summary>Σ ỹ and each Σ q_j over the units in order: the complemented terms' R and C are these less the backend's sums.</summary>
    private readonly double _outcomeTotal;
    private readonly double[] _basisTotals;
    private readonly int _parametersCounted;

    /// <param name="problem">The laid-out model.</param>
    /// <param name="backend">Computes the partial sums.</param>
    /// <param name="fixedPart">The fixed part (for the parameter count of the small-sample scales).</param>
    /// <param name="covariance">The covariance inside permutations, or null when only coefficients are needed.</param>
    /// <param name="parallel">Threads for drawing the assignments.</param>
    public BatchedFit(ModelProblem problem, IModelBackend backend, FixedPart fixedPart, PermutationCovariance? covariance, ParallelOptions parallel)
    {
        _problem = problem;
        _backend = backend;
        _covariance = covariance;
        _parallel = parallel;
        _slots = new ModelSlots(problem.TermCount, problem.BasisCount);
        _words = new IndicatorWords(problem);
        if (problem.HostSummedTerms.Contains(true)) _changedNodeSums = new ChangedNodeSums(problem, parallel);
        _first = new double[(long)problem.ChunkCount * _slots.FirstPass * W];
        _totals = new double[(_slots.FirstPass - _slots.Cross) * W];
        _groupSums = new double[(long)problem.GroupCount * problem.TermCount * W];
        _shared = new bool[problem.GroupCount];
        foreach (int g in problem.ChunkGroup)
        {
            if (g >= 0) _shared[g] = true;
        }
        _clusterScores = new double[(long)problem.ClusterCount * problem.TermCount * W];
        _clusterShared = new bool[problem.ClusterCount];
        foreach (int c in problem.ChunkCluster ?? [])
        {
            if (c >= 0) _clusterShared[c] = true;
        }
        if (covariance is not null && covariance.Type != "Classical")
        {
            _second = new double[(long)problem.ChunkCount * _slots.SecondPass(covariance.IsClustered) * W];
            if (!covariance.IsClustered) _secondTotals = new double[_slots.Pairs * W];
            _parameters = new double[(long)_slots.Parameters(problem.GroupCount) * W];
        }
        foreach (double y in problem.Outcome)
        {
            _outcomeSquares += y * y;
            _outcomeTotal += y;
        }
        _basisTotals = new double[problem.BasisCount];
        for (int j = 0; j < problem.BasisCount; j++)
        {
            for (int u = 0; u < problem.UnitCount; u++) _basisTotals[j] += problem.Basis[(long)j * problem.UnitCount + u];
        }
        _parametersCounted = covariance is null ? 0 : Sandwich.Parameters(covariance, fixedPart, problem.TermCount);
    }

    public string Backend => $"{_backend.Name} ({_backend.Device})";

    /// <summary>
    /// Fits permutations first .. first + count − 1 drawn by <paramref name="draws"/>: k coefficients each into
    /// <paramref name="beta"/> and, with a covariance, the k × k covariance into <paramref name="v"/>. NaN when singular.
    /// With <paramref name="extra"/> (every node's code in file order, and count &lt; 64), that assignment is fitted
    /// too, in the batch's next lane: its results follow the permutations' (the observed fit rides in a spare lane).
    /// </summary>
    public void Fit(PermutationDraws draws, long first, int count, Span<double> beta, Span<double> v, int[]? extra = null)
    {
        int k = _problem.TermCount;
        if (draws.Design is { ListsChanges: true } design) _words.FillByChanges(design, draws.Seed, draws.Baseline, first, count, _parallel);
        else _words.Fill(draws.Draw, first, count, _parallel);
        if (extra is not null)
        {
            _words.SetLane(count, extra);
            count++;
        }
        // The changed-node sums read only the words: they run beside the backend's walk over the units (on the
        // host's own threads, or while a device works), each on its own lanes' sums, so neither changes the other's
        // bits. On one thread they follow the walk instead, so that a run never takes more threads than it was given.
        bool beside = _parallel.MaxDegreeOfParallelism != 1;
        Task? hostSums = _changedNodeSums is { } changed && beside ? Task.Run(() => changed.Sum(_words.Words, count, _parallel)) : null;
        _backend.Moments(_words.Words, count, _first, _groupSums);
        if (!beside) _changedNodeSums?.Sum(_words.Words, count, _parallel);
        hostSums?.Wait();
        TotalChunks(_first, _slots.FirstPass, _slots.Cross, _totals);
        // Each permutation's reduction reads one lane of every chunk's group-sum partials: in parallel.
        var solved = new Solved[count];
        Parallel.For(0, count, _parallel, p => solved[p] = Solve(p));
        for (int p = 0; p < count; p++)
        {
            Span<double> b = beta.Slice(p * k, k);
            if (solved[p].Inverse is null) b.Fill(double.NaN);
            else solved[p].Beta.CopyTo(b);
        }
        if (_covariance is null) return;
        double[]?[] meats = new double[]?[count];
        if (_second is not null)
        {
            Residuals(solved, count);
            if (_secondTotals is not null) TotalChunks(_second, _slots.Pairs, 0, _secondTotals);
            Parallel.For(0, count, _parallel, p => meats[p] = solved[p].Inverse is null ? null : Meat(p));
        }
        for (int p = 0; p < count; p++)
        {
            Span<double> vp = v.Slice(p * k * k, k * k);
            Solved s = solved[p];
            if (s.Inverse is null)
            {
                vp.Fill(double.NaN);
                continue;
            }
            int n = _problem.UnitCount;
            if (_second is null)
            {
                double rss = _outcomeSquares;
                for (int a = 0; a < k; a++) rss -= s.Beta[a] * s.Response[a];
                double scale = Sandwich.Scale(_covariance, n, _parametersCounted, rss);
                for (int i = 0; i < k * k; i++) vp[i] = scale * s.Inverse[i];
            }
            else
            {
                Sandwich.Assemble(s.Inverse, meats[p]!, Sandwich.Scale(_covariance, n, _parametersCounted, 0), k, vp);
            }
        }
    }

    /// <summary>One permutation's reduced sums and solve.</summary>
    private sealed record Solved(double[] Beta, double[]? Inverse, double[] Response, double[] Projection, double[] GroupSums);

    private double Partial(double[] partials, int slots, int chunk, int slot, int p) => partials[((long)chunk * slots + slot) * W + p];

    /// <summary>Slot <paramref name="slot"/> of the first pass (M, R or C) for permutation <paramref name="p"/>, over all chunks.</summary>
    private double Total(int slot, int p) => _totals[(slot - _slots.Cross) * W + p];


    /// <summary>
    /// Sums slots <paramref name="from"/> .. <paramref name="width"/> − 1 of the chunks' partials ([chunk][slot][p])
    /// in chunk order into <paramref name="totals"/> ([(slot − from) · 64 + p]), every lane of a slot at once: each
    /// (slot, permutation) total gets the additions a lane-by-lane reduction would make, in the same order, so the
    /// same bits, but the partials are read in sequence rather than one value per cache line for each permutation.
    /// The slots are dealt out to the threads in contiguous parts.
    /// </summary>
    private unsafe void TotalChunks(double[] partials, int width, int from, double[] totals)
    {
        int slots = width - from, chunks = _problem.ChunkCount;
        int threads = _parallel.MaxDegreeOfParallelism > 0 ? _parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int parts = Math.Clamp(threads, 1, Math.Max(1, slots));
        Parallel.For(0, parts, _parallel, part =>
        {
            int first = from + slots * part / parts, end = from + slots * (part + 1) / parts;
            int length = (end - first) * W;
            fixed (double* source = partials, total = &totals[(first - from) * W])
            {
                new Span<double>(total, length).Clear();
                for (int c = 0; c < chunks; c++) LaneMath.Add(total, source + ((long)c * width + first) * W, length);
            }
        });
    }

    private Solved Solve(int p)
    {
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount, basis = problem.BasisCount, width = slots.FirstPass;
        var cross = new double[slots.Pairs];
        var response = new double[k];
        var projection = new double[basis * k];
        var groupSums = new double[problem.GroupCount * k];
        for (int g = 0; g < problem.GroupCount; g++)
        {
            if (_shared[g]) continue;
            for (int a = 0; a < k; a++) groupSums[g * k + a] = _groupSums[((long)g * k + a) * W + p];
        }
        for (int c = 0; c < problem.ChunkCount; c++)
        {
            int g = problem.ChunkGroup[c];
            if (g >= 0)
            {
                for (int a = 0; a < k; a++) groupSums[g * k + a] += Partial(_first, width, c, slots.Sum + a, p);
            }
        }
        for (int i = 0; i < cross.Length; i++) cross[i] = Total(slots.Cross + i, p);
        for (int a = 0; a < k; a++) response[a] = Total(slots.Response + a, p);
        for (int i = 0; i < projection.Length; i++) projection[i] = Total(slots.Basis + i, p);
        for (int a = 0; a < k; a++)
        {
            if (!problem.ComplementedTerms[a]) continue;
            // The backend summed 1 − m: Σ m ỹ = Σ ỹ − Σ (1 − m) ỹ, and likewise for each q.
            response[a] = _outcomeTotal - response[a];
            for (int j = 0; j < basis; j++) projection[j * k + a] = _basisTotals[j] - projection[j * k + a];
        }
        if (_changedNodeSums is { } host)
        {
            // The terms linear in the assignment: their Σ m ỹ and Σ q mᵀ come from the host, whatever the backend wrote.
            for (int h = 0; h < host.SummedTerms.Length; h++)
            {
                int a = host.SummedTerms[h];
                response[a] = host.Response(h, p);
                for (int j = 0; j < basis; j++) projection[j * k + a] = host.Projection(h, j, p);
            }
        }
        var gram = new double[k * k];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                double value = cross[ModelSlots.Pair(a, b)];
                if (problem.Absorbs)
                {
                    for (int g = 0; g < problem.GroupCount; g++) value -= groupSums[g * k + a] * groupSums[g * k + b] / problem.GroupSize[g];
                }
                for (int j = 0; j < basis; j++) value -= projection[j * k + a] * projection[j * k + b];
                gram[a * k + b] = gram[b * k + a] = value;
            }
        }
        double[]? inverse = MovingFit.SymmetricInverse(gram, k);
        var beta = new double[k];
        if (inverse is not null)
        {
            for (int a = 0; a < k; a++)
            {
                double sum = 0;
                for (int b = 0; b < k; b++) sum += inverse[a * k + b] * response[b];
                beta[a] = sum;
            }
        }
        return new Solved(beta, inverse, response, projection, groupSums);
    }

    /// <summary>The second pass: each permutation's fit as parameters, then the backend's residual sums.</summary>
    private void Residuals(Solved[] solved, int count)
    {
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount;
        double[] parameters = _parameters!;
        Array.Clear(parameters);
        for (int p = 0; p < count; p++)
        {
            Solved s = solved[p];
            if (s.Inverse is null) continue;
            for (int a = 0; a < k; a++) parameters[(slots.Beta + a) * W + p] = s.Beta[a];
            // The leverage zᵀA⁻¹z over the lower triangle: the diagonal once, each off-diagonal doubled (exact in binary).
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b <= a; b++) parameters[(slots.Inverse + a * k + b) * W + p] = b == a ? s.Inverse[a * k + a] : 2 * s.Inverse[a * k + b];
            }
            for (int i = 0; i < s.Projection.Length; i++) parameters[(slots.Projection + i) * W + p] = s.Projection[i];
            for (int g = 0; g < problem.GroupCount; g++)
            {
                for (int a = 0; a < k; a++) parameters[(slots.Means + g * k + a) * W + p] = s.GroupSums[g * k + a] / problem.GroupSize[g];
            }
        }
        _backend.Residuals(count, Weighting(_covariance!), parameters, _second!, _clusterScores);
    }

    private static ResidualWeighting Weighting(PermutationCovariance covariance) => covariance.Type switch
    {
        _ when covariance.IsClustered => ResidualWeighting.ClusterScore,
        "HC2" => ResidualWeighting.Leverage,
        "HC3" => ResidualWeighting.LeverageSquared,
        _ => ResidualWeighting.Squared,
    };

    /// <summary>The meat of permutation p: the chunks' Σ w z zᵀ (summed in chunk order by <see cref="TotalChunks"/>), or Σ over clusters of s sᵀ with s the cluster's score.</summary>
    private double[] Meat(int p)
    {
        ModelProblem problem = _problem;
        int k = problem.TermCount;
        bool clustered = _covariance!.IsClustered;
        int width = _slots.SecondPass(clustered);
        var meat = new double[k * k];
        if (!clustered)
        {
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b <= a; b++) meat[a * k + b] = meat[b * k + a] = _secondTotals![ModelSlots.Pair(a, b) * W + p];
            }
            return meat;
        }
        var scores = new double[problem.ClusterCount * k];
        for (int cluster = 0; cluster < problem.ClusterCount; cluster++)
        {
            if (_clusterShared[cluster]) continue;
            for (int a = 0; a < k; a++) scores[cluster * k + a] = _clusterScores[((long)cluster * k + a) * W + p];
        }
        for (int c = 0; c < problem.ChunkCount; c++)
        {
            int cluster = problem.ChunkCluster![c];
            if (cluster < 0) continue;
            for (int a = 0; a < k; a++) scores[cluster * k + a] += Partial(_second!, width, c, a, p);
        }
        for (int cluster = 0; cluster < problem.ClusterCount; cluster++)
        {
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b < k; b++) meat[a * k + b] += scores[cluster * k + a] * scores[cluster * k + b];
            }
        }
        return meat;
    }
}
