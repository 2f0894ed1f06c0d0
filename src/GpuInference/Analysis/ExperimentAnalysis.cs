using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Estimation;
using GpuInference.Graph;
using GpuInference.Inference;

namespace GpuInference.Analysis;

/// <summary>
/// The whole analysis of the paper on a loaded experiment: direct effects, the spillover regression and its
/// permutation null, and the totals arithmetic, gathered into one <see cref="AnalysisReport"/>.
/// </summary>
public static class ExperimentAnalysis
{
    public static AnalysisReport Run(
        NodeTable nodes, CsrGraph graph, AnalysisOptions options, IReadOnlyList<IBackendProvider> providers,
        IAnalysisProgress progress, IReadOnlyList<PhaseTiming> loadTimings, IReadOnlyList<KeyValuePair<string, string>> inputs,
        CancellationToken cancel = default)
    {
        var timings = new List<PhaseTiming>(loadTimings);
        var clock = Stopwatch.StartNew();

        progress.Begin("direct effects", 0);
        IReadOnlyList<EffectEstimate> direct = DirectEffects.Estimate(nodes, options);
        progress.End();
        timings.Add(new PhaseTiming("direct", clock.Elapsed));

        clock.Restart();
        SpilloverProblem problem = SpilloverDesignBuilder.Build(nodes, graph, threads: options.Threads);
        timings.Add(new PhaseTiming("layout", clock.Elapsed));

        var backendOptions = new BackendOptions { Threads = options.Threads, BatchSize = options.BatchSize, Device = options.Device };
        using var session = BackendSession.Open(options.Backend, providers, problem, backendOptions);
        int notesShown = session.Notes.Count;
        foreach (string note in session.Notes) progress.Warn($"backend: {note}");

        clock.Restart();
        progress.Begin($"permutations ({session.Current.Name})", options.Permutations);
        PermutationResult result = SpilloverEffects.Permute(session, options, new SynchronousProgress<int>(done => progress.Advance(done)), cancel);
        progress.End();
        timings.Add(new PhaseTiming("permutations", clock.Elapsed));
        if (options.Permutations > 0)
        {
            timings.Add(new PhaseTiming("per_permutation", clock.Elapsed / options.Permutations));
        }
        foreach (string note in result.Notes.Skip(notesShown)) progress.Warn($"backend: {note}");

        clock.Restart();
        progress.Begin("model-based standard errors", 0);
        double[] standardErrors = SpilloverEffects.ModelStandardErrors(problem, result.Observed);
        progress.End();
        timings.Add(new PhaseTiming("model_standard_errors", clock.Elapsed));

        double meanFriends = problem.UnitCount == 0 ? 0 : (double)problem.EdgeCount / problem.UnitCount;
        long treatedUnits = Enumerable.Range(0, problem.UnitCount).LongCount(i => problem.Cells[i] == TreatmentCell.Both);
        EffectEstimate ate = direct.First(e => e.Name == DirectEffectNames.PostStratified);
        var totals = new Totals(ate.Estimate, result.Observed[0], meanFriends, treatedUnits, options.MatchFraction);

        return new AnalysisReport
        {
            Metadata = new RunMetadata
            {
                Units = problem.UnitCount,
                Nodes = problem.NodeCount,
                Edges = graph.EdgeCount,
                Permutations = options.Permutations,
                Seed = options.Seed,
                Backend = result.Backend,
                Device = result.Device,
                Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
                SelfLoopsDropped = graph.SelfLoopsDropped,
                DuplicatesDropped = graph.DuplicatesDropped,
                InputPaths = inputs,
                BackendNotes = result.Notes,
                Timings = timings,
                Version = typeof(ExperimentAnalysis).Assembly.GetName().Version?.ToString(3) ?? "",
                CreatedAt = DateTimeOffset.UtcNow,
            },
            Direct = direct,
            Spillover = SpilloverEffects.Statistics(result, standardErrors),
            Notes = AnalysisNotes.For(problem, graph, direct),
            Totals = totals,
        };
    }
}
