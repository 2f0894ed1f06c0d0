using GpuInference.Backends;
using GpuInference.Backends.Models;
using GpuInference.Design.Randomization;
using GpuInference.Model;

namespace GpuInference.Inference.Models;

/// <summary>One tested statistic's observed value and its randomization distribution.</summary>
public sealed record TestedStatistic(string Name, NullDistribution Null);

/// <summary>
/// The observed fit of the moving terms and the null of every tested statistic (one per tested term, then the joint
/// Wald), how the permutations were fitted (<see cref="Engine"/>: the backend, or why the reference path ran), and the
/// seconds spent before the first permutation (the fixed part, the layout, starting the backend, and the observed fit when it takes a batch of its own).
/// </summary>
public sealed record RandomizationResult(
    string[] MovingNames, double[] Observed, double[] ObservedCovariance, IReadOnlyList<TestedStatistic> Statistics, int Permutations, ulong Seed,
    string Engine = "", double PreparationSeconds = 0);

/// <summary>
/// The general randomization test: re-draws the permuted columns' codes with a design, refits the moving terms in
/// every permutation, and collects each tested statistic. Permutation b is a pure function of (seed, b) through the
/// design, and every sum runs in an order fixed by the model alone, so the null has the same bits whatever the
/// thread count, batch size or backend.
/// <para>
/// Models go through a backend in batches of 64 permutations (<see cref="BatchedFit"/>); the observed statistic is
/// computed by the same path, so an assignment equal to the observed one gives exactly the observed value. A model
/// the batched layout cannot take (see <see cref="ModelLayout"/>) is fitted permutation by permutation by
/// <see cref="MovingFit"/>, the plain reference the tests hold the batched path to.
/// </para>
/// </summary>
public static class RandomizationTest
{
    /// <param name="model">The compiled model.</param>
    /// <param name="draw">The design: writes permutation b's code for every node.</param>
    /// <param name="seed">Seed of the permutation stream.</param>
    /// <param name="permutations">B.</param>
    /// <param name="statistic">Coefficient or studentized.</param>
    /// <param name="covariance">The covariance inside every permutation (the studentized statistics and their Wald).</param>
    /// <param name="threads">Worker threads; 0: all cores.</param>
    /// <param name="progress">Receives the count of permutations done.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <param name="backend">Creates the backend for the laid-out model; null: the managed CPU backend.</param>
    /// <param name="reference">Fit every permutation by the reference path, even when the batched one could.</param>
    /// <param name="jointCovariance">
    /// The moving terms' observed covariance (k × k, in model order) whose tested block weights the coefficients' joint
    /// Wald statistic, e.g. the reported fit's CR2; null: the observed fit's under <paramref name="covariance"/>, by the plain host fit.
    /// </param>
    public static RandomizationResult Run(
        CompiledModel model, Action<long, Span<int>> draw, ulong seed, int permutations, TestStatistic statistic,
        PermutationCovariance covariance, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellation = default,
        Func<ModelProblem, IModelBackend>? backend = null, bool reference = false, double[]? jointCovariance = null) =>
        Run(model, new PermutationDraws(draw), seed, permutations, statistic, covariance, threads, progress, cancellation, backend, reference, jointCovariance);

    /// <summary>
    /// As the overload with a draw, for a design: a randomized permutation design lists each permutation's changes
    /// from the most common observed code, which is what makes drawing nearly free when most units share one code.
    /// </summary>
    public static RandomizationResult Run(
        CompiledModel model, IAssignmentDesign design, ulong seed, int permutations, TestStatistic statistic,
        PermutationCovariance covariance, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellation = default,
        Func<ModelProblem, IModelBackend>? backend = null, bool reference = false, double[]? jointCovariance = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(design);
        int baseline = ModelLayout.MostCommonCode(model.ObservedCodes);
        var draws = new PermutationDraws((b, drawn) => design.Draw(seed, b, drawn), design as RandomizedDesign, seed, baseline);
        return Run(model, draws, seed, permutations, statistic, covariance, threads, progress, cancellation, backend, reference, jointCovariance);
    }

    private static RandomizationResult Run(
        CompiledModel model, PermutationDraws draws, ulong seed, int permutations, TestStatistic statistic,
        PermutationCovariance covariance, int threads, IProgress<int>? progress, CancellationToken cancellation,
        Func<ModelProblem, IModelBackend>? backend, bool reference, double[]? jointCovariance)
    {
        ArgumentNullException.ThrowIfNull(model);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double preparation = 0;
        Action<long, Span<int>> draw = draws.Draw;
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var fixedPart = new FixedPart(model);
        double[] outcome = [.. model.Outcome];
        fixedPart.Residualise(outcome);

        int k = model.Moving.Length;
        int[] tested = model.Tested;
        bool joint = model.Joint && tested.Length > 1;
        int width = tested.Length + (joint ? 1 : 0);
        // Only studentized statistics need each permutation's covariance (a second pass over the units). The joint
        // statistic of coefficients weights them by the observed fit's covariance, fixed across permutations.
        bool needsV = statistic == TestStatistic.Studentized;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancellation };
        var observedBeta = new double[k];
        var observedV = new double[k * k];
        if (!needsV) observedV.AsSpan().Fill(double.NaN); // filled only where the permutations' covariance is computed
        var values = new double[(long)permutations * width];
        string engine;

        if (jointCovariance is not null && jointCovariance.Length != k * k)
            throw new ArgumentException($"the joint covariance holds {jointCovariance.Length} values; {k} moving terms need {k * k}", nameof(jointCovariance));
        double[]? weight = joint && !needsV ? JointWeight(model, fixedPart, outcome, covariance, tested, jointCovariance) : null;
        string? refusal = "asked for the reference path";
        ModelProblem? problem = reference ? null : ModelLayout.Build(model, fixedPart, outcome, needsV ? covariance : null, out refusal, threads);
        if (problem is not null)
        {
            using IModelBackend device = backend?.Invoke(problem) ?? new CpuModelBackend(problem, new BackendOptions { Threads = threads });
            var fit = new BatchedFit(problem, device, fixedPart, needsV ? covariance : null, parallel);
            engine = fit.Backend;
            // The observed assignment rides in the last batch's first spare lane; only when B fills every batch does it
            // take a batch of its own. Its lane's sums never mix with the others', so the bits are the same either way.
            bool rides = permutations % ModelSlots.Width != 0;
            if (!rides) fit.Fit(new PermutationDraws((_, codes) => model.ObservedCodes.CopyTo(codes)), 0, 1, observedBeta, observedV);
            var beta = new double[ModelSlots.Width * k];
            var v = new double[ModelSlots.Width * k * k];
            preparation = clock.Elapsed.TotalSeconds;
            for (int first = 0; first < permutations; first += ModelSlots.Width)
            {
                cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(ModelSlots.Width, permutations - first);
                bool last = first + count == permutations;
                fit.Fit(draws, first, count, beta, v, rides && last ? model.ObservedCodes : null);
                if (rides && last)
                {
                    beta.AsSpan(count * k, k).CopyTo(observedBeta);
                    if (needsV) v.AsSpan(count * k * k, k * k).CopyTo(observedV);
                }
                for (int p = 0; p < count; p++)
                {
                    double[] row = Summarise(beta.AsSpan(p * k, k), v.AsSpan(p * k * k, k * k), tested, statistic, joint, k, weight);
                    row.CopyTo(values.AsSpan((first + p) * width, width));
                }
                progress?.Report(first + count);
            }
        }
        else
        {
            engine = $"reference fit per permutation on the host ({refusal})";
            new MovingFit(model, fixedPart, outcome).Fit(model.ObservedCodes, observedBeta, covariance, observedV);
            preparation = clock.Elapsed.TotalSeconds;
            int done = 0;
            Parallel.For(0, permutations, parallel,
                () => (Fit: new MovingFit(model, fixedPart, outcome), Drawn: new int[model.ObservedCodes.Length], Beta: new double[k], V: new double[k * k]),
                (b, _, local) =>
                {
                    draw(b, local.Drawn);
                    local.Fit.Fit(local.Drawn, local.Beta, needsV ? covariance : null, local.V);
                    double[] row = Summarise(local.Beta, local.V, tested, statistic, joint, k, weight);
                    row.CopyTo(values.AsSpan(b * width, width));
                    int count = Interlocked.Increment(ref done);
                    if (count % 16 == 0 || count == permutations) progress?.Report(count);
                    return local;
                },
                _ => { });
        }
        double[] observed = Summarise(observedBeta, observedV, tested, statistic, joint, k, weight);

        var statistics = new List<TestedStatistic>();
        for (int t = 0; t < width; t++)
        {
            var column = new double[permutations];
            for (int b = 0; b < permutations; b++) column[b] = values[(long)b * width + t];
            string name = t < tested.Length ? model.Moving[tested[t]].Name : "wald";
            statistics.Add(new TestedStatistic(name, new NullDistribution(observed[t], column)));
        }
        return new RandomizationResult([.. model.Moving.Select(m => m.Name)], observedBeta, observedV, statistics, permutations, seed, engine, preparation);
    }

    /// <summary>
    /// The tested coefficients (or t statistics), then, when there are several, the joint Wald statistic βᵀV⁻¹β over
    /// them: for coefficients weighted by <paramref name="weight"/> (V⁻¹ of the observed fit, null when singular), the
    /// same in every permutation; for t statistics by the permutation's own V.
    /// </summary>
    private static double[] Summarise(ReadOnlySpan<double> beta, ReadOnlySpan<double> v, int[] tested, TestStatistic statistic, bool joint, int k, double[]? weight)
    {
        var row = new double[tested.Length + (joint ? 1 : 0)];
        for (int t = 0; t < tested.Length; t++)
        {
            int a = tested[t];
            row[t] = statistic == TestStatistic.Studentized ? beta[a] / Math.Sqrt(v[a * k + a]) : beta[a];
        }
        if (joint) row[^1] = JointWald.Statistic(beta, tested, statistic == TestStatistic.Studentized ? JointWald.Weights(v, tested, k) : weight);
        return row;
    }

    /// <summary>
    /// The coefficients' joint Wald weights: the inverse of <paramref name="given"/>, or of the observed fit's
    /// covariance under <paramref name="covariance"/> (by the plain host fit) over the tested terms; null when singular.
    /// </summary>
    private static double[]? JointWeight(CompiledModel model, FixedPart fixedPart, double[] outcome, PermutationCovariance covariance, int[] tested, double[]? given)
    {
        int k = model.Moving.Length;
        if (given is not null) return JointWald.Weights(given, tested, k);
        var v = new double[k * k];
        new MovingFit(model, fixedPart, outcome).Fit(model.ObservedCodes, new double[k], covariance, v);
        return JointWald.Weights(v, tested, k);
    }
}
