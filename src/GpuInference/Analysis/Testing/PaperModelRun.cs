using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Estimation;
using GpuInference.Graph;
using GpuInference.Inference;
using GpuInference.Model;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// The paper's model, <c>y ~ count(A) + count(B) + A + B | degree^S</c> with (A, B) permuted as pairs, run on the
/// preset's engine: units laid out by stratum (<see cref="SpilloverDesignBuilder"/>), four integer sums per unit and
/// permutation on the backend (<see cref="PermutationRunner"/>), and the observed fit's standard errors from the
/// units grouped by their regressors (<see cref="GroupedLeastSquares"/>). <c>analyze</c> and <c>test</c> with the
/// paper's model both run here, so they give the same null value for value.
/// </summary>
/// <param name="Problem">The laid-out units.</param>
/// <param name="Result">The observed coefficients and the null, in the preset's order (count(A), count(B), A, B).</param>
/// <param name="Fit">The observed fit, coefficients named as the shape's preset terms, with the chosen covariance.</param>
/// <param name="Units">Analysis units: units with an outcome, less singletons when they are dropped.</param>
/// <param name="Notes">How the data became units, in the general engine's words.</param>
public sealed record PaperModelRun(SpilloverProblem Problem, PermutationResult Result, OlsResult Fit, long Units, IReadOnlyList<string> Notes)
{
    public static PaperModelRun Run(
        NodeTable nodes, CsrGraph graph, PaperModelShape shape, PaperModelSettings settings, IReadOnlyList<IBackendProvider> providers,
        IAnalysisProgress progress, List<PhaseTiming> timings, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        SpilloverProblem problem = SpilloverDesignBuilder.Build(nodes, graph, threads: settings.Threads);
        timings.Add(new PhaseTiming("layout", clock.Elapsed));

        var backendOptions = new BackendOptions { Threads = settings.Threads, BatchSize = settings.BatchSize, Device = settings.Device };
        using var session = BackendSession.Open(settings.Backend, providers, problem, backendOptions);
        int notesShown = session.Notes.Count;
        foreach (string note in session.Notes) progress.Warn($"backend: {note}");

        clock.Restart();
        progress.Begin($"permutations ({session.Current.Name})", settings.Permutations);
        PermutationResult result = new PermutationRunner(session).Run(
            settings.Seed, settings.Permutations, settings.BatchSize, new SynchronousProgress<int>(done => progress.Advance(done)), cancel);
        progress.End();
        timings.Add(new PhaseTiming("permutations", clock.Elapsed));
        if (settings.Permutations > 0) timings.Add(new PhaseTiming("per_permutation", clock.Elapsed / settings.Permutations));
        foreach (string note in result.Notes.Skip(notesShown)) progress.Warn($"backend: {note}");
        if (double.IsNaN(result.Observed[0]))
        {
            throw new DegenerateSpilloverDesignException(
                $"the spillover regression is singular: a regressor ({string.Join(", ", shape.PresetTerms)}) has no variation within strata of degree × {shape.Stratum}.");
        }

        clock.Restart();
        progress.Begin("model-based standard errors", 0);
        int[] singletons = SingletonStrata(problem, settings.DropSingletons);
        OlsResult fit = ObservedFit(problem, shape, result.Observed, settings.Covariance, singletons);
        progress.End();
        timings.Add(new PhaseTiming("model_standard_errors", clock.Elapsed));

        long singletonUnits = singletons.Sum(s => (long)(problem.StratumStart[s + 1] - problem.StratumStart[s]));
        long units = problem.UnitCount - singletonUnits;
        return new PaperModelRun(problem, result, fit, units, UnitNotes(nodes, problem, shape, singletons));
    }

    /// <summary>The strata of one unit, when they are left out.</summary>
    private static int[] SingletonStrata(SpilloverProblem problem, bool drop) =>
        drop ? [.. Enumerable.Range(0, problem.StratumCount).Where(s => problem.StratumStart[s + 1] - problem.StratumStart[s] == 1)] : [];

    /// <summary>
    /// The observed regression from the units grouped by stratum and regressors: QR on tens of thousands of weighted
    /// group rows instead of millions, with the same R factor and residual sums of squares. Its coefficients must equal
    /// the permutation engine's observed ones, a cross-check of the two.
    /// </summary>
    internal static OlsResult ObservedFit(SpilloverProblem problem, PaperModelShape shape, double[] observed, CovarianceType type, int[] singletons)
    {
        ExposureGroups groups = ExposureGroups.Of(problem);
        int[] groupOfUnit = groups.GroupOfUnit;
        if (singletons.Length > 0)
        {
            groupOfUnit = [.. groupOfUnit];
            foreach (int s in singletons) groupOfUnit[problem.StratumStart[s]] = -1;
        }
        ArmMoments[] moments = GroupMoments.Of(problem.Outcome, groupOfUnit, groups.Count, out _);
        OlsResult fit = GroupedLeastSquares.Fit(shape.PresetTerms, groups.Regressors, moments, type, groups.Stratum, shape.StrataText);
        for (int k = 0; k < 2; k++)
        {
            double qr = fit.Coefficients[k];
            if (Math.Abs(qr - observed[k]) > 1e-8 * Math.Max(1e-6, Math.Abs(qr)))
                throw new InvalidOperationException($"internal check failed: the {shape.PresetTerms[k]} coefficient is {observed[k]:R} from the moments but {qr:R} by QR.");
        }
        return fit;
    }

    private static List<string> UnitNotes(NodeTable nodes, SpilloverProblem problem, PaperModelShape shape, int[] singletons)
    {
        var notes = new List<string>();
        int blank = nodes.Count - problem.UnitCount;
        if (blank > 0) notes.Add(ModelNotes.BlankDropped(blank, shape.Outcome));
        int singletonUnits = singletons.Length;
        if (singletonUnits > 0) notes.Add(ModelNotes.SingletonsLeftOut(singletonUnits, shape.StrataText));
        // Units with no friends form the strata of degree 0, which come first in the layout.
        var dropped = new HashSet<int>(singletons);
        int isolated = 0;
        for (int s = 0; s < problem.StratumCount && problem.RowOffsets[problem.StratumStart[s]] == problem.RowOffsets[problem.StratumStart[s + 1]]; s++)
        {
            if (!dropped.Contains(s)) isolated += problem.StratumStart[s + 1] - problem.StratumStart[s];
        }
        if (isolated > 0) notes.Add(ModelNotes.Isolated(isolated));
        return notes;
    }
}
