using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Estimation;
using GpuInference.Graph;
using GpuInference.Inference;
using GpuInference.Analysis.Testing;

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

        // The spillover regression is the paper's model on the engine `test` runs it on (the preset's kernels); the
        // preset keeps its conventions: HC1 standard errors, and singleton strata kept.
        var settings = new PaperModelSettings
        {
            Permutations = options.Permutations,
            Seed = options.Seed,
            Backend = options.Backend,
            Device = options.Device,
            Threads = options.Threads,
            BatchSize = options.BatchSize,
            Covariance = CovarianceType.HC1,
            DropSingletons = false,
        };
        PaperModelRun run = PaperModelRun.Run(nodes, graph, SpilloverEffects.Shape, settings, providers, progress, timings, cancel);
        SpilloverProblem problem = run.Problem;
        PermutationResult result = run.Result;
        double[] standardErrors = [.. run.Fit.StandardErrors.Take(SpilloverEffects.StatisticNames.Length)];

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
