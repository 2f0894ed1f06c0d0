using System.Numerics;

namespace GpuInference.Backends.Models;

/// <summary>
/// The managed backend of the general model: chunks in parallel, each thread walking its chunk's units in order and
/// adding the unit's terms for all 64 permutations of the batch as vectors into the chunk's own partials. Every
/// (chunk, slot, permutation) sum is taken in unit order with each product rounded before it is added (.NET never
/// fuses a multiply and an add), which is what the device kernels do.
/// </summary>
public sealed class CpuModelBackend : IModelBackend
{
    private const int W = ModelSlots.Width;

    private readonly ModelProblem _problem;
    private readonly ModelSlots _slots;
    private readonly ParallelOptions _parallel;
    private readonly ThreadLocal<UnitTerms> _terms;

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

    public void Moments(ulong[] words, int count, double[] partials)
    {
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        Parallel.For(0, problem.ChunkCount, _parallel, chunk =>
        {
            UnitTerms terms = _terms.Value!;
            Span<double> sums = partials.AsSpan(chunk * slots.FirstPass * W, slots.FirstPass * W);
            sums.Clear();
            for (int unit = problem.ChunkStart[chunk]; unit < problem.ChunkStart[chunk + 1]; unit++)
            {
                terms.Evaluate(words, unit);
                ReadOnlySpan<double> x = terms.Values;
                double y = problem.Outcome[unit];
                for (int a = 0; a < k; a++)
                {
                    ReadOnlySpan<double> xa = x.Slice(a * W, W);
                    Add(sums.Slice((slots.Sum + a) * W, W), xa);
                    for (int b = 0; b <= a; b++) AddProduct(sums.Slice((slots.Cross + ModelSlots.Pair(a, b)) * W, W), xa, x.Slice(b * W, W));
                    AddScaled(sums.Slice((slots.Response + a) * W, W), xa, y);
                    for (int j = 0; j < basis; j++) AddScaled(sums.Slice((slots.Basis + j * k + a) * W, W), xa, problem.Basis[(long)j * units + unit]);
                }
            }
        });
    }

    public void Residuals(ulong[] words, int count, ResidualWeighting weighting, double[] parameters, double[] partials)
    {
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        bool clustered = weighting == ResidualWeighting.ClusterScore;
        int width = slots.SecondPass(clustered);
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        Parallel.For(0, problem.ChunkCount, _parallel, () => new double[(k + 2) * W], (chunk, _, scratch) =>
        {
            UnitTerms terms = _terms.Value!;
            Span<double> sums = partials.AsSpan(chunk * width * W, width * W);
            sums.Clear();
            Span<double> z = scratch.AsSpan(0, k * W);
            Span<double> e = scratch.AsSpan(k * W, W);
            Span<double> w = scratch.AsSpan((k + 1) * W, W);
            for (int unit = problem.ChunkStart[chunk]; unit < problem.ChunkStart[chunk + 1]; unit++)
            {
                terms.Evaluate(words, unit);
                int group = problem.UnitGroup[unit];
                for (int a = 0; a < k; a++)
                {
                    Span<double> za = z.Slice(a * W, W);
                    terms.Values.AsSpan(a * W, W).CopyTo(za);
                    if (problem.Absorbs) Subtract(za, Parameter(parameters, slots.Means + group * k + a));
                    for (int j = 0; j < basis; j++) SubtractScaled(za, Parameter(parameters, slots.Projection + j * k + a), problem.Basis[(long)j * units + unit]);
                }
                Residual(z, parameters, slots, k, problem.Outcome[unit], e);
                if (clustered)
                {
                    for (int a = 0; a < k; a++) AddProduct(sums.Slice(a * W, W), z.Slice(a * W, W), e);
                    continue;
                }
                Weight(z, e, parameters, slots, k, weighting, problem.Leverage[unit], w);
                for (int a = 0; a < k; a++)
                {
                    for (int b = 0; b <= a; b++) AddWeightedProduct(sums.Slice(ModelSlots.Pair(a, b) * W, W), z.Slice(a * W, W), w, z.Slice(b * W, W));
                }
            }
            return scratch;
        }, _ => { });
    }

    private static ReadOnlySpan<double> Parameter(double[] parameters, int index) => parameters.AsSpan(index * W, W);

    /// <summary>e = y − Σ_a z_a β_a, the products added in term order.</summary>
    private static void Residual(ReadOnlySpan<double> z, double[] parameters, ModelSlots slots, int k, double y, Span<double> e)
    {
        var outcome = new Vector<double>(y);
        for (int p = 0; p < W; p += Vector<double>.Count)
        {
            Vector<double> fit = Vector<double>.Zero;
            for (int a = 0; a < k; a++) fit += new Vector<double>(z[(a * W + p)..]) * new Vector<double>(parameters.AsSpan((slots.Beta + a) * W + p));
            (outcome - fit).CopyTo(e[p..]);
        }
    }

    /// <summary>The meat's weight of a unit: e², or e² over (1 − h) or (1 − h)² with h its leverage in the whole model.</summary>
    private static void Weight(
        ReadOnlySpan<double> z, ReadOnlySpan<double> e, double[] parameters, ModelSlots slots, int k, ResidualWeighting weighting, double leverage, Span<double> w)
    {
        var one = Vector<double>.One;
        for (int p = 0; p < W; p += Vector<double>.Count)
        {
            var ep = new Vector<double>(e[p..]);
            Vector<double> squared = ep * ep;
            if (weighting == ResidualWeighting.Squared)
            {
                squared.CopyTo(w[p..]);
                continue;
            }
            var h = new Vector<double>(leverage);
            for (int a = 0; a < k; a++)
            {
                var za = new Vector<double>(z[(a * W + p)..]);
                for (int b = 0; b < k; b++)
                {
                    h += za * new Vector<double>(parameters.AsSpan((slots.Inverse + a * k + b) * W + p)) * new Vector<double>(z[(b * W + p)..]);
                }
            }
            Vector<double> rest = one - h;
            (weighting == ResidualWeighting.Leverage ? squared / rest : squared / (rest * rest)).CopyTo(w[p..]);
        }
    }

    private static void Add(Span<double> sum, ReadOnlySpan<double> x)
    {
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(sum[p..]) + new Vector<double>(x[p..])).CopyTo(sum[p..]);
    }

    private static void Subtract(Span<double> target, ReadOnlySpan<double> x)
    {
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(target[p..]) - new Vector<double>(x[p..])).CopyTo(target[p..]);
    }

    private static void AddProduct(Span<double> sum, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        for (int p = 0; p < W; p += Vector<double>.Count)
            (new Vector<double>(sum[p..]) + new Vector<double>(a[p..]) * new Vector<double>(b[p..])).CopyTo(sum[p..]);
    }

    private static void AddScaled(Span<double> sum, ReadOnlySpan<double> a, double b)
    {
        var scale = new Vector<double>(b);
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(sum[p..]) + new Vector<double>(a[p..]) * scale).CopyTo(sum[p..]);
    }

    /// <summary>target −= c · q, the product q · c rounded first.</summary>
    private static void SubtractScaled(Span<double> target, ReadOnlySpan<double> c, double q)
    {
        var scale = new Vector<double>(q);
        for (int p = 0; p < W; p += Vector<double>.Count) (new Vector<double>(target[p..]) - scale * new Vector<double>(c[p..])).CopyTo(target[p..]);
    }

    /// <summary>sum += (a · w) · b.</summary>
    private static void AddWeightedProduct(Span<double> sum, ReadOnlySpan<double> a, ReadOnlySpan<double> w, ReadOnlySpan<double> b)
    {
        for (int p = 0; p < W; p += Vector<double>.Count)
            (new Vector<double>(sum[p..]) + new Vector<double>(a[p..]) * new Vector<double>(w[p..]) * new Vector<double>(b[p..])).CopyTo(sum[p..]);
    }

    public void Dispose() => _terms.Dispose();
}
