using GpuInference.Model;

namespace GpuInference.Inference.Models;

/// <summary>One tested statistic's observed value and its randomization distribution.</summary>
public sealed record TestedStatistic(string Name, NullDistribution Null);

/// <summary>The observed fit of the moving terms and the null of every tested statistic (one per tested term, then the joint Wald).</summary>
public sealed record RandomizationResult(
    string[] MovingNames, double[] Observed, double[] ObservedCovariance, IReadOnlyList<TestedStatistic> Statistics, int Permutations, ulong Seed);

/// <summary>
/// The general randomization test: re-draws the permuted columns' codes with a design, refits the moving terms in
/// every permutation, and collects each tested statistic. Permutation b is a pure function of (seed, b) through the
/// design, and each permutation is fitted start to end by one thread, so the null has the same bits whatever the
/// thread count.
/// </summary>
public static class RandomizationTest
{
    /// <param name="model">The compiled model.</param>
    /// <param name="draw">The design: writes permutation b's code for every node.</param>
    /// <param name="seed">Seed of the permutation stream.</param>
    /// <param name="permutations">B.</param>
    /// <param name="statistic">Coefficient or studentized.</param>
    /// <param name="covariance">The covariance inside every permutation (the studentized and Wald statistics).</param>
    /// <param name="threads">Worker threads; 0: all cores.</param>
    /// <param name="progress">Receives the count of permutations done.</param>
    /// <param name="cancellation">Stops between permutations.</param>
    public static RandomizationResult Run(
        CompiledModel model, Action<long, Span<int>> draw, ulong seed, int permutations, TestStatistic statistic,
        PermutationCovariance covariance, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var fixedPart = new FixedPart(model);
        double[] outcome = [.. model.Outcome];
        fixedPart.Residualise(outcome);

        int k = model.Moving.Length;
        int[] tested = model.Tested;
        bool joint = tested.Length > 1;
        int width = tested.Length + (joint ? 1 : 0);

        var observedBeta = new double[k];
        var observedV = new double[k * k];
        new MovingFit(model, fixedPart, outcome).Fit(model.ObservedCodes, observedBeta, covariance, observedV);
        double[] observed = Summarise(observedBeta, observedV, tested, statistic, joint, k);

        var values = new double[(long)permutations * width];
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancellation };
        Parallel.For(0, permutations, options,
            () => (Fit: new MovingFit(model, fixedPart, outcome), Drawn: new int[model.ObservedCodes.Length], Beta: new double[k], V: new double[k * k]),
            (b, _, local) =>
            {
                draw(b, local.Drawn);
                bool needsV = statistic == TestStatistic.Studentized || joint;
                local.Fit.Fit(local.Drawn, local.Beta, needsV ? covariance : null, local.V);
                double[] row = Summarise(local.Beta, local.V, tested, statistic, joint, k);
                row.CopyTo(values.AsSpan(b * width, width));
                int count = Interlocked.Increment(ref done);
                if (count % 16 == 0 || count == permutations) progress?.Report(count);
                return local;
            },
            _ => { });

        var statistics = new List<TestedStatistic>();
        for (int t = 0; t < width; t++)
        {
            var column = new double[permutations];
            for (int b = 0; b < permutations; b++) column[b] = values[(long)b * width + t];
            string name = t < tested.Length ? model.Moving[tested[t]].Name : "wald";
            statistics.Add(new TestedStatistic(name, new NullDistribution(observed[t], column)));
        }
        return new RandomizationResult([.. model.Moving.Select(m => m.Name)], observedBeta, observedV, statistics, permutations, seed);
    }

    /// <summary>The tested coefficients (or t statistics), then the joint Wald statistic βᵀV⁻¹β over them when there are several.</summary>
    private static double[] Summarise(double[] beta, double[] v, int[] tested, TestStatistic statistic, bool joint, int k)
    {
        var row = new double[tested.Length + (joint ? 1 : 0)];
        for (int t = 0; t < tested.Length; t++)
        {
            int a = tested[t];
            row[t] = statistic == TestStatistic.Studentized ? beta[a] / Math.Sqrt(v[a * k + a]) : beta[a];
        }
        if (joint) row[^1] = Wald(beta, v, tested, k);
        return row;
    }

    /// <summary>βᵀ V⁻¹ β over the tested terms; NaN when their covariance is singular.</summary>
    internal static double Wald(double[] beta, double[] v, int[] tested, int k)
    {
        int m = tested.Length;
        var sub = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++) sub[a * m + b] = v[tested[a] * k + tested[b]];
        }
        double[]? inverse = MovingFit.SymmetricInverse(sub, m);
        if (inverse is null) return double.NaN;
        double sum = 0;
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++) sum += beta[tested[a]] * inverse[a * m + b] * beta[tested[b]];
        }
        return sum;
    }
}
