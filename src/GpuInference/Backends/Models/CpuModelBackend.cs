using System.Numerics;

namespace GpuInference.Backends.Models;

/// <summary>
/// The managed backend of the general model: chunks in parallel, each thread walking its chunk's units in order and
/// adding the unit's terms for all 64 permutations of the batch as vectors into the chunk's own partials. Every
/// (chunk, slot, permutation) sum is taken in unit order with each product rounded before it is added (.NET never
/// fuses a multiply and an add), which is what the device kernels do.
/// </summary>
public sealed unsafe class CpuModelBackend : IModelBackend
{
    private const int W = ModelSlots.Width;

    private readonly ModelProblem _problem;
    private readonly ModelSlots _slots;
    private readonly ParallelOptions _parallel;
    private readonly ThreadLocal<UnitTerms> _terms;

    /// <summary>The words of the batch of the last first pass, which the second pass walks again.</summary>
    private ulong[]? _words;

    public CpuModelBackend(ModelProblem problem, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        _problem = problem;
        _slots = new ModelSlots(problem.TermCount, problem.BasisCount);
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        _terms = new ThreadLocal<UnitTerms>(() => new UnitTerms(problem));
        Device = $"managed code, {threads} thread{(threads == 1 ? "" : "s")}";
    }

    public string Name => "cpu";

    public string Device { get; }

    public void Moments(ulong[] words, int count, double[] partials, double[] groupSums)
    {
        _words = words;
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        int lanes = LaneMath.Lanes(count);
        bool[] hostSummed = problem.HostSummedTerms;
        Parallel.For(0, problem.ChunkCount, _parallel, () => GC.AllocateArray<double>(k * W, pinned: true), (chunk, _, run) =>
        {
            UnitTerms terms = _terms.Value!;
            partials.AsSpan(chunk * slots.FirstPass * W, slots.FirstPass * W).Clear();
            bool wholeGroups = problem.ChunkGroup[chunk] < 0;
            fixed (double* sums = &partials[chunk * slots.FirstPass * W], x = terms.Values, running = run, groups = groupSums)
            {
                // A chunk of whole groups sums each group's terms in a running total, written out when the group ends.
                double* s = wholeGroups ? running : sums + slots.Sum * W;
                Array.Clear(run);
                int first = problem.ChunkStart[chunk], end = problem.ChunkStart[chunk + 1];
                for (int unit = first; unit < end; unit++)
                {
                    terms.Evaluate(words, unit, lanes);
                    double y = problem.Outcome[unit];
                    for (int a = 0; a < k; a++)
                    {
                        double* xa = x + a * W;
                        LaneMath.Add(s + a * W, xa, lanes);
                        for (int b = 0; b <= a; b++) LaneMath.AddProduct(sums + (slots.Cross + ModelSlots.Pair(a, b)) * W, xa, x + b * W, lanes);
                        if (hostSummed[a]) continue; // the fit takes this term's Σ m ỹ and Σ q mᵀ from the changed nodes
                        LaneMath.AddScaled(sums + (slots.Response + a) * W, xa, y, lanes);
                        for (int j = 0; j < basis; j++) LaneMath.AddScaled(sums + (slots.Basis + j * k + a) * W, xa, problem.Basis[(long)j * units + unit], lanes);
                    }
                    if (wholeGroups && EndsRun(problem.UnitGroup, unit, end)) FlushRun(running, groups, problem.UnitGroup[unit], k);
                }
            }
            return run;
        }, _ => { });
    }

    public void Residuals(int count, ResidualWeighting weighting, double[] parameters, double[] partials, double[] clusterScores)
    {
        ulong[] words = _words ?? throw new InvalidOperationException("the second pass needs a batch: call Moments first.");
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        bool clustered = weighting == ResidualWeighting.ClusterScore;
        int width = slots.SecondPass(clustered);
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        int lanes = LaneMath.Lanes(count);
        Parallel.For(0, problem.ChunkCount, _parallel, () => GC.AllocateArray<double>((2 * k + 2) * W, pinned: true), (chunk, _, scratch) =>
        {
            UnitTerms terms = _terms.Value!;
            partials.AsSpan(chunk * width * W, width * W).Clear();
            // A chunk of whole clusters sums each cluster's score in a running total, written out when the cluster ends.
            bool wholeClusters = clustered && problem.ChunkCluster![chunk] < 0;
            int end = problem.ChunkStart[chunk + 1];
            fixed (double* sums = &partials[chunk * width * W], x = terms.Values, z = scratch, parameter = parameters, scores = clusterScores)
            {
                double* e = z + k * W, w = z + (k + 1) * W, running = z + (k + 2) * W;
                double* score = wholeClusters ? running : sums;
                new Span<double>(running, k * W).Clear();
                for (int unit = problem.ChunkStart[chunk]; unit < end; unit++)
                {
                    terms.Evaluate(words, unit, lanes);
                    int group = problem.UnitGroup[unit];
                    for (int a = 0; a < k; a++)
                    {
                        double* za = z + a * W;
                        Buffer.MemoryCopy(x + a * W, za, lanes * sizeof(double), lanes * sizeof(double));
                        if (problem.Absorbs) LaneMath.Subtract(za, parameter + (slots.Means + group * k + a) * W, lanes);
                        for (int j = 0; j < basis; j++) LaneMath.SubtractScaled(za, parameter + (slots.Projection + j * k + a) * W, problem.Basis[(long)j * units + unit], lanes);
                    }
                    Residual(z, parameter, slots, k, problem.Outcome[unit], e, lanes);
                    if (clustered)
                    {
                        for (int a = 0; a < k; a++) LaneMath.AddProduct(score + a * W, z + a * W, e, lanes);
                        if (wholeClusters && EndsRun(problem.UnitCluster!, unit, end)) FlushRun(running, scores, problem.UnitCluster![unit], k);
                        continue;
                    }
                    Weight(z, e, parameter, slots, k, weighting, problem.Leverage[unit], w, lanes);
                    for (int a = 0; a < k; a++)
                    {
                        for (int b = 0; b <= a; b++) LaneMath.AddWeightedProduct(sums + ModelSlots.Pair(a, b) * W, z + a * W, w, z + b * W, lanes);
                    }
                }
            }
            return scratch;
        }, _ => { });
    }

    /// <summary>Whether <paramref name="unit"/> is the last of its run of <paramref name="key"/> in a chunk ending at <paramref name="end"/>.</summary>
    private static bool EndsRun(int[] key, int unit, int end) => unit + 1 == end || key[unit + 1] != key[unit];

    /// <summary>Writes a run's totals (k × 64 lanes) into item's row of <paramref name="target"/> ([item][term][p]) and starts the next run at 0.</summary>
    private static void FlushRun(double* running, double* target, int item, int k)
    {
        var run = new Span<double>(running, k * W);
        run.CopyTo(new Span<double>(target + (long)item * k * W, k * W));
        run.Clear();
    }

    /// <summary>e = y − Σ_a z_a β_a, the products added in term order.</summary>
    private static void Residual(double* z, double* parameters, ModelSlots slots, int k, double y, double* e, int lanes)
    {
        var outcome = new Vector<double>(y);
        for (int p = 0; p < lanes; p += LaneMath.Step)
        {
            Vector<double> fit = Vector<double>.Zero;
            for (int a = 0; a < k; a++) fit += *(Vector<double>*)(z + a * W + p) * *(Vector<double>*)(parameters + (slots.Beta + a) * W + p);
            *(Vector<double>*)(e + p) = outcome - fit;
        }
    }

    /// <summary>The meat's weight of a unit: e², or e² over (1 − h) or (1 − h)² with h its leverage in the whole model.</summary>
    private static void Weight(double* z, double* e, double* parameters, ModelSlots slots, int k, ResidualWeighting weighting, double leverage, double* w, int lanes)
    {
        var one = Vector<double>.One;
        for (int p = 0; p < lanes; p += LaneMath.Step)
        {
            var ep = *(Vector<double>*)(e + p);
            Vector<double> squared = ep * ep;
            if (weighting == ResidualWeighting.Squared)
            {
                *(Vector<double>*)(w + p) = squared;
                continue;
            }
            var h = new Vector<double>(leverage);
            for (int a = 0; a < k; a++)
            {
                var za = *(Vector<double>*)(z + a * W + p);
                for (int b = 0; b <= a; b++) h += za * *(Vector<double>*)(parameters + (slots.Inverse + a * k + b) * W + p) * *(Vector<double>*)(z + b * W + p);
            }
            Vector<double> rest = one - h;
            *(Vector<double>*)(w + p) = weighting == ResidualWeighting.Leverage ? squared / rest : squared / (rest * rest);
        }
    }

    public void Dispose() => _terms.Dispose();
}
