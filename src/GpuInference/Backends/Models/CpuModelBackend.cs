using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuInference.Backends.Models;

/// <summary>
/// The managed backend of the general model: chunks in parallel, each thread walking its chunk's units in order and
/// adding the unit's terms for all 64 permutations of the batch as vectors into the chunk's own partials (a full
/// batch four units at a time where 512-bit vectors run natively: each sum read once and written once per block).
/// Every (chunk, slot, permutation) sum is taken in unit order with each product rounded before it is added (.NET
/// never fuses a multiply and an add), which is what the device kernels do.
/// </summary>
public sealed unsafe class CpuModelBackend : IModelBackend
{
    private const int W = ModelSlots.Width;

    private readonly ModelProblem _problem;
    private readonly ModelSlots _slots;
    private readonly ParallelOptions _parallel;
    private readonly ThreadLocal<UnitTerms> _terms;

    /// <summary>The pairs of small whole-valued terms summed in integer lanes (see <see cref="BytePairSums"/>), or null.</summary>
    private readonly BytePairSums? _pairs;

    /// <summary>Per term: whether a block read from bytes leaves it out of its doubles (<see cref="BytePairSums.BytesOnly"/>), or null.</summary>
    private readonly bool[]? _bytesOnly;

    /// <summary>The words of the batch of the last first pass, which the second pass reads again (its own levels, and the friends of units whose counts were not kept).</summary>
    private ulong[]? _words;

    /// <summary>Whether a second pass has run: from then on the first pass keeps the friend counts for it.</summary>
    private bool _secondPasses;

    /// <summary>The friend counts the first pass keeps for the second, or null (see <see cref="FriendCounts"/>).</summary>
    private FriendCounts? _friendCounts;

    /// <summary>The second pass's parameters, copied onto cache lines of their own (see <see cref="AlignedLanes"/>).</summary>
    private AlignedLanes? _parameters;

    public CpuModelBackend(ModelProblem problem, BackendOptions options)
        : this(problem, options, integerPairs: true)
    {
    }

    /// <param name="problem">The laid-out model.</param>
    /// <param name="options">Threads.</param>
    /// <param name="integerPairs">Whether pairs of small terms may be summed in integer lanes (<see cref="BytePairSums"/>); false keeps the double lanes, which the tests hold them to.</param>
    internal CpuModelBackend(ModelProblem problem, BackendOptions options, bool integerPairs)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        _problem = problem;
        _slots = new ModelSlots(problem.TermCount, problem.BasisCount);
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        _terms = new ThreadLocal<UnitTerms>(() => new UnitTerms(problem));
        _pairs = integerPairs ? BytePairSums.For(problem) : null;
        _bytesOnly = _pairs?.BytesOnly;
        Device = $"managed code, {threads} thread{(threads == 1 ? "" : "s")}";
    }

    public string Name => "cpu";

    public string Device { get; }

    public void Moments(ulong[] words, int count, double[] partials, double[] groupSums)
    {
        _words = words;
        ModelProblem problem = _problem;
        int k = problem.TermCount;
        int lanes = LaneMath.Lanes(count);
        int firstPass = _slots.FirstPass * W;
        // A full batch takes its units four at a time (see AddBlock); otherwise one at a time.
        int block = lanes == W && FullLanes.IsAccelerated ? FullLanes.Units : 1;
        // A full block's small terms also as bytes, interleaved, and their pairs' 32-bit sums (see BytePairSums).
        BytePairSums? pairs = block == FullLanes.Units ? _pairs : null;
        int small = pairs?.Terms ?? 0, integerSums = pairs?.SumCount ?? 0;
        FriendCounts? keep = _secondPasses ? _friendCounts ??= FriendCounts.For(problem) : null;
        if (keep is not null) keep.Current = false;
        // Per thread: the chunk's sums, a running group total, then a block of units' terms, on cache lines of their
        // own (see AlignedLanes); the sums are copied into the chunk's partials when the chunk ends. Each chunk's loop
        // is compiled optimized from its first call, as AddBlock is, rather than starting unoptimized.
        int byteLanes = (2 * block * small * W + 4 * integerSums) / sizeof(double);
        Parallel.For(0, problem.ChunkCount, _parallel, () => new AlignedLanes(firstPass + k * W + block * k * W + byteLanes), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, _, local) =>
        {
            UnitTerms terms = _terms.Value!;
            terms.Counts = keep;
            terms.CountsReused = false;
            local.Span.Clear();
            bool wholeGroups = problem.ChunkGroup[chunk] < 0;
            // A chunk that holds a share of one group sums Σ m per chunk: a block whose units all have bytes leaves
            // the small terms' Σ m to the integer lanes (whole numbers, exact in any order, so the same bits).
            bool firsts = pairs is not null && !wholeGroups;
            double* sums = local.Pointer, running = sums + firstPass, x = running + k * W;
            byte* bytes = (byte*)(x + block * k * W), interleaved = bytes + block * small * W;
            int* integers = (int*)(interleaved + block * small * W);
            fixed (double* groups = groupSums)
            {
                // A chunk of whole groups sums each group's terms in a running total, written out when the group ends.
                double* s = wholeGroups ? running : sums + _slots.Sum * W;
                int first = problem.ChunkStart[chunk], end = problem.ChunkStart[chunk + 1];
                for (int unit = first; unit < end; unit += block)
                {
                    int n = Math.Min(block, end - unit);
                    // A block whose units all have bytes (few enough friends) in a chunk whose Σ m the integer lanes
                    // take reads its small terms from bytes alone: their doubles are not written (SmallTermProducts).
                    bool whole = pairs is not null && n == FullLanes.Units && SmallDegrees(unit);
                    bool[]? bytesOnly = whole && firsts ? _bytesOnly : null;
                    for (int i = 0; i < n; i++) terms.Evaluate(words, unit + i, lanes, x + i * k * W, pairs, bytes + i * small * W, bytesOnly);
                    if (n == FullLanes.Units && !(wholeGroups && RunEndsBefore(problem.UnitGroup, unit, n - 1, end)))
                    {
                        // No group ends before the block's last unit: its four terms go into each S at once.
                        for (int a = 0; a < k; a++)
                        {
                            if (bytesOnly is null || !bytesOnly[a]) FullLanes.Adds(s + a * W, x + a * W, k * W);
                        }
                        if (wholeGroups && EndsRun(problem.UnitGroup, unit + n - 1, end)) FlushRun(running, groups, problem.UnitGroup[unit + n - 1], k);
                    }
                    else
                    {
                        for (int i = 0; i < n; i++)
                        {
                            for (int a = 0; a < k; a++) LaneMath.Add(s + a * W, x + (i * k + a) * W, lanes);
                            if (wholeGroups && EndsRun(problem.UnitGroup, unit + i, end)) FlushRun(running, groups, problem.UnitGroup[unit + i], k);
                        }
                    }
                    if (whole) pairs!.AddBlock(bytes, small * W, interleaved, integers, firsts);
                    if (n == FullLanes.Units) AddBlock(sums, x, unit, whole, bytesOnly is null ? null : bytes);
                    else
                    {
                        for (int i = 0; i < n; i++) AddUnit(sums, x + i * k * W, unit + i, lanes);
                    }
                }
            }
            pairs?.Flush(integers, sums);
            new Span<double>(sums, firstPass).CopyTo(partials.AsSpan(chunk * firstPass, firstPass));
            return local;
        }, _ => { });
        if (keep is not null) keep.Current = true;
    }

    /// <summary>
    /// Adds one unit's products to a chunk's sums: M = Σ m mᵀ, and R = Σ m ỹ, C = Σ q mᵀ of the terms the host does
    /// not sum, of 1 − m for the complemented ones (<see cref="ModelProblem.ComplementedTerms"/>).
    /// </summary>
    private void AddUnit(double* sums, double* x, int unit, int lanes)
    {
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        bool[] hostSummed = problem.HostSummedTerms, complemented = problem.ComplementedTerms;
        double y = problem.Outcome[unit];
        double* complement = stackalloc double[W];
        for (int a = 0; a < k; a++)
        {
            double* xa = x + a * W;
            for (int b = 0; b <= a; b++) LaneMath.AddProduct(sums + (slots.Cross + ModelSlots.Pair(a, b)) * W, xa, x + b * W, lanes);
            if (hostSummed[a]) continue; // the fit takes this term's Σ m ỹ and Σ q mᵀ from the changed nodes
            if (complemented[a])
            {
                new Span<double>(xa, lanes).CopyTo(new Span<double>(complement, lanes));
                LaneMath.Complement(complement, 1.0, lanes); // 1 − m, exact for a 0/1 term
                xa = complement;
            }
            LaneMath.AddScaled(sums + (slots.Response + a) * W, xa, y, lanes);
            for (int j = 0; j < basis; j++) LaneMath.AddScaled(sums + (slots.Basis + j * k + a) * W, xa, problem.Basis[(long)j * units + unit], lanes);
        }
    }

    /// <summary>
    /// As <see cref="AddUnit"/> for <see cref="FullLanes.Units"/> consecutive units of a full batch (terms at
    /// x + i · k · 64): each sum is read once, gains the units' products one after another, and is written once,
    /// the same additions in the same order as unit by unit, so the same bits with a quarter of the sums' traffic.
    /// With <paramref name="integerPairs"/> the pairs of small terms are left to <see cref="BytePairSums"/> (exact either way).
    /// Optimized from its first call: the observed fit's batch would otherwise leave the first permutations' blocks
    /// in unoptimized code, with none of the vector helpers inlined, while the optimized version compiles.
    /// With <paramref name="bytes"/> (the block's small terms as bytes, [i · small · 64 + j · 64 + p]) the small terms
    /// are read from those alone (their doubles were not written), with the same bits (<see cref="SmallTermProducts"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddBlock(double* sums, double* x, int unit, bool integerPairs, byte* bytes)
    {
        BytePairSums? pairs = integerPairs ? _pairs : null;
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        int stride = k * W, byteStride = (pairs?.Terms ?? 0) * W;
        bool[] hostSummed = problem.HostSummedTerms, complemented = problem.ComplementedTerms;
        double[] outcome = problem.Outcome, q = problem.Basis;
        for (int a = 0; a < k; a++)
        {
            double* xa = x + a * W;
            byte* ba = bytes != null && pairs!.IsSmall(a) ? bytes + pairs.SmallIndex(a) * W : null;
            for (int b = 0; b <= a; b++)
            {
                if (pairs is not null && pairs.Takes(a, b)) continue; // both small: the integer lanes have it
                double* sum = sums + (slots.Cross + ModelSlots.Pair(a, b)) * W;
                byte* bb = bytes != null && pairs!.IsSmall(b) ? bytes + pairs.SmallIndex(b) * W : null;
                if (ba != null) SmallTermProducts.AddProducts(sum, x + b * W, stride, ba, byteStride);
                else if (bb != null) SmallTermProducts.AddProducts(sum, xa, stride, bb, byteStride);
                else FullLanes.AddProducts(sum, xa, x + b * W, stride);
            }
            if (hostSummed[a]) continue; // the fit takes this term's Σ m ỹ and Σ q mᵀ from the changed nodes
            if (complemented[a])
            {
                AddComplements(sums, xa, stride, ba, byteStride, unit, a);
                continue;
            }
            if (ba != null) SmallTermProducts.AddScaleds(sums + (slots.Response + a) * W, ba, byteStride, outcome[unit], outcome[unit + 1], outcome[unit + 2], outcome[unit + 3]);
            else FullLanes.AddScaleds(sums + (slots.Response + a) * W, xa, stride, outcome[unit], outcome[unit + 1], outcome[unit + 2], outcome[unit + 3]);
            for (int j = 0; j < basis; j++)
            {
                long at = (long)j * units + unit;
                double* sum = sums + (slots.Basis + j * k + a) * W;
                if (ba != null) SmallTermProducts.AddScaleds(sum, ba, byteStride, q[at], q[at + 1], q[at + 2], q[at + 3]);
                else FullLanes.AddScaleds(sum, xa, stride, q[at], q[at + 1], q[at + 2], q[at + 3]);
            }
        }
    }

    /// <summary>Whether the <see cref="FullLanes.Units"/> units from <paramref name="unit"/> all have few enough friends for their small terms' bytes (<see cref="BytePairSums.MaxValue"/>).</summary>
    private bool SmallDegrees(int unit)
    {
        long[] rows = _problem.RowOffsets;
        return rows[unit + 1] - rows[unit] <= BytePairSums.MaxValue && rows[unit + 2] - rows[unit + 1] <= BytePairSums.MaxValue
            && rows[unit + 3] - rows[unit + 2] <= BytePairSums.MaxValue && rows[unit + 4] - rows[unit + 3] <= BytePairSums.MaxValue;
    }

    /// <summary>
    /// R and C of complemented term <paramref name="a"/> for a block's units (terms at x + i · stride): each unit adds
    /// its ỹ and q only in the lanes where the term is 0, and most units, whose term is 1 in every lane, add nothing.
    /// The kernels add (1 − m) · ỹ in every lane, ỹ there and ±0 elsewhere: the same bits (see <see cref="TermComplements"/>).
    /// </summary>
    private void AddComplements(double* sums, double* x, int stride, byte* values, int byteStride, int unit, int a)
    {
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        Vector512<double>* selections = stackalloc Vector512<double>[8];
        for (int i = 0; i < FullLanes.Units; i++)
        {
            ulong none = values != null ? SmallTermProducts.Zeros(values + i * byteStride) : FullLanes.Zeros(x + i * stride);
            if (none == 0) continue;
            int u = unit + i;
            double* response = sums + (slots.Response + a) * W;
            if (BitOperations.PopCount(none) <= FewLanes)
            {
                // A unit with a friend or two: a few lanes, each its own scalar additions (the lanes' IEEE additions).
                for (ulong rest = none; rest != 0; rest &= rest - 1)
                {
                    int p = BitOperations.TrailingZeroCount(rest);
                    response[p] += problem.Outcome[u];
                    for (int j = 0; j < basis; j++) sums[(slots.Basis + j * k + a) * W + p] += problem.Basis[(long)j * units + u];
                }
                continue;
            }
            FullLanes.Selections(none, selections);
            FullLanes.AddWhere(response, selections, problem.Outcome[u]);
            for (int j = 0; j < basis; j++) FullLanes.AddWhere(sums + (slots.Basis + j * k + a) * W, selections, problem.Basis[(long)j * units + u]);
        }
    }

    /// <summary>Lanes up to which <see cref="AddComplements"/> adds lane by lane rather than blending all 64.</summary>
    private const int FewLanes = 4;

    public void Residuals(int count, ResidualWeighting weighting, double[] parameters, double[] partials, double[] clusterScores)
    {
        ulong[] words = _words ?? throw new InvalidOperationException("the second pass needs a batch: call Moments first.");
        ModelProblem problem = _problem;
        ModelSlots slots = _slots;
        bool clustered = weighting == ResidualWeighting.ClusterScore;
        int width = slots.SecondPass(clustered);
        int k = problem.TermCount, basis = problem.BasisCount, units = problem.UnitCount;
        int lanes = LaneMath.Lanes(count);
        if (_parameters?.Length != parameters.Length) _parameters = new AlignedLanes(parameters.Length);
        parameters.CopyTo(_parameters.Span);
        double* parameter = _parameters.Pointer;
        _secondPasses = true;
        FriendCounts? kept = _friendCounts is { Current: true } counts ? counts : null;
        // A full batch's heteroskedastic meat takes its units four at a time (as the first pass does); otherwise one at a time.
        int block = lanes == W && FullLanes.IsAccelerated && !clustered ? FullLanes.Units : 1;
        int stride = (2 * k + 2) * W; // one unit's z (k), e, w and z · w (k)
        // Optimized from its first call, as the first pass's loop is: its first chunks would otherwise run unoptimized,
        // with none of the vector helpers inlined.
        Parallel.For(0, problem.ChunkCount, _parallel, () => new AlignedLanes((width + k + block * (2 * k + 2)) * W), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, _, local) =>
        {
            UnitTerms terms = _terms.Value!;
            terms.Counts = kept;
            terms.CountsReused = true;
            local.Span.Clear();
            // A chunk of whole clusters sums each cluster's score in a running total, written out when the cluster ends.
            bool wholeClusters = clustered && problem.ChunkCluster![chunk] < 0;
            int end = problem.ChunkStart[chunk + 1];
            // Per thread, on cache lines of their own (see AlignedLanes): the chunk's sums, copied into its partials
            // when the chunk ends, a running cluster score, then each unit of a block's z, e and w.
            double* sums = local.Pointer, running = sums + width * W, units0 = running + k * W;
            double* score = wholeClusters ? running : sums;
            double* q = stackalloc double[Math.Max(1, basis)];
            fixed (double* scores = clusterScores)
            {
                for (int unit = problem.ChunkStart[chunk]; unit < end; unit += block)
                {
                    int n = Math.Min(block, end - unit);
                    for (int i = 0; i < n; i++)
                    {
                        double* z = units0 + i * stride, e = z + k * W, w = e + W;
                        int u = unit + i;
                        terms.Evaluate(words, u, lanes, z);
                        for (int j = 0; j < basis; j++) q[j] = problem.Basis[(long)j * units + u];
                        int group = problem.UnitGroup[u];
                        for (int a = 0; a < k; a++)
                        {
                            double* mean = problem.Absorbs ? parameter + (slots.Means + group * k + a) * W : null;
                            LaneMath.Residualise(z + a * W, mean, parameter + (slots.Projection + a) * W, k * W, q, basis, lanes);
                        }
                        Residual(z, parameter, slots, k, problem.Outcome[u], e, lanes);
                        if (clustered)
                        {
                            for (int a = 0; a < k; a++) LaneMath.AddProduct(score + a * W, z + a * W, e, lanes);
                            if (wholeClusters && EndsRun(problem.UnitCluster!, u, end)) FlushRun(running, scores, problem.UnitCluster![u], k);
                            continue;
                        }
                        Weight(z, e, parameter, slots, k, weighting, problem.Leverage[u], w, lanes);
                        if (n == FullLanes.Units)
                        {
                            // The block's meat follows, four units at once, from each term's z · w, taken once here
                            // rather than once per pair: (z_a · w) · z_b, the product the kernels and the loop below round.
                            for (int a = 0; a < k; a++) FullLanes.Product(w + W + a * W, z + a * W, w);
                            continue;
                        }
                        for (int a = 0; a < k; a++)
                        {
                            for (int b = 0; b <= a; b++) LaneMath.AddWeightedProduct(sums + ModelSlots.Pair(a, b) * W, z + a * W, w, z + b * W, lanes);
                        }
                    }
                    if (n != FullLanes.Units) continue;
                    double* weighted = units0 + (k + 2) * W;
                    for (int a = 0; a < k; a++)
                    {
                        for (int b = 0; b <= a; b++) FullLanes.AddProducts(sums + ModelSlots.Pair(a, b) * W, weighted + a * W, units0 + b * W, stride);
                    }
                }
            }
            new Span<double>(sums, width * W).CopyTo(partials.AsSpan(chunk * width * W, width * W));
            return local;
        }, _ => { });
    }

    /// <summary>Whether a run of <paramref name="key"/> ends at any of the <paramref name="count"/> units from <paramref name="unit"/>.</summary>
    private static bool RunEndsBefore(int[] key, int unit, int count, int end)
    {
        for (int i = 0; i < count; i++)
        {
            if (EndsRun(key, unit + i, end)) return true;
        }
        return false;
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

    /// <summary>e = y − Σ_a z_a β_a, the products added in term order (the fit summed in e first).</summary>
    private static void Residual(double* z, double* parameters, ModelSlots slots, int k, double y, double* e, int lanes)
    {
        if (lanes == W && FullLanes.IsAccelerated)
        {
            FullLanes.Residual(e, z, parameters + slots.Beta * W, k, y);
            return;
        }
        new Span<double>(e, lanes).Clear();
        for (int a = 0; a < k; a++) LaneMath.AddProduct(e, z + a * W, parameters + (slots.Beta + a) * W, lanes);
        LaneMath.Complement(e, y, lanes);
    }

    /// <summary>
    /// The meat's weight of a unit: e², or e² over (1 − h) or (1 − h)² with h its leverage in the whole model, h
    /// summed in w first: the unit's fixed-part leverage, then (z_a A⁻¹_ab) z_b over the lower triangle in order.
    /// </summary>
    private static void Weight(double* z, double* e, double* parameters, ModelSlots slots, int k, ResidualWeighting weighting, double leverage, double* w, int lanes)
    {
        if (weighting == ResidualWeighting.Squared)
        {
            LaneMath.Square(w, e, lanes);
            return;
        }
        new Span<double>(w, lanes).Fill(leverage);
        if (lanes == W && FullLanes.IsAccelerated)
        {
            FullLanes.AddQuadraticForm(w, z, parameters + slots.Inverse * W, k);
            FullLanes.LeverageWeight(w, e, weighting == ResidualWeighting.LeverageSquared);
            return;
        }
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b <= a; b++) LaneMath.AddWeightedProduct(w, z + a * W, parameters + (slots.Inverse + a * k + b) * W, z + b * W, lanes);
        }
        LaneMath.LeverageWeight(w, e, weighting == ResidualWeighting.LeverageSquared, lanes);
    }

    public void Dispose() => _terms.Dispose();
}
