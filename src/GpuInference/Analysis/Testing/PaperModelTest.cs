using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Design.Randomization;
using GpuInference.Estimation;
using GpuInference.Graph;
using GpuInference.Inference;
using GpuInference.Inference.Models;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// <c>test</c> with the paper's model (<see cref="PaperModelShape"/>): the nodes file read as <c>analyze</c> reads
/// it, the permutations on the preset's kernels (<see cref="PaperModelRun"/>), and the report the general engine
/// writes, with the same units, notes and standard-error conventions (singleton strata left out).
/// </summary>
internal static class PaperModelTest
{
    /// <summary>
    /// Runs the test, or returns null when the data are not the preset's (a treatment that is not 0/1 or is blank, a
    /// blank or many-levelled stratum column...): the general engine then reads them with its own rules and errors.
    /// </summary>
    public static NetworkTestReport? TryRun(NetworkTestOptions options, PaperModelShape shape, IAnalysisProgress? progress, IReadOnlyList<IBackendProvider> providers)
    {
        progress ??= SilentProgress.Instance;
        var clock = Stopwatch.StartNew();
        var nodeOptions = new NodeTableOptions
        {
            IdColumn = options.IdColumn,
            OutcomeColumn = shape.Outcome,
            BannerColumn = shape.Banner,
            FeedColumn = shape.Feed,
            Vote2010Column = shape.Stratum,
            Vote2010Levels = null,
        };
        progress.Begin($"loading {options.NodesPath}", 0);
        NodeTable nodes;
        try
        {
            nodes = NodeTableReader.Read(options.NodesPath, nodeOptions);
        }
        catch (DataFormatException)
        {
            return null;
        }
        finally
        {
            progress.End();
        }
        progress.Begin($"loading {options.EdgesPath}", 0);
        CsrGraph graph = EdgeListReader.Read(options.EdgesPath, nodes.Ids!, NetworkTest.EdgeOptions(options));
        progress.End();
        var timings = new List<PhaseTiming> { new("load", clock.Elapsed) };

        var settings = new PaperModelSettings
        {
            Permutations = options.Permutations,
            Seed = options.Seed,
            Backend = options.Backend,
            Device = options.Device,
            Threads = options.Threads,
            Covariance = Enum.Parse<CovarianceType>(options.Se),
        };
        PaperModelRun run = PaperModelRun.Run(nodes, graph, shape, settings, providers, progress, timings);
        return Report(options, shape, nodes, graph, run, timings);
    }

    /// <summary>
    /// The tested coefficients' joint Wald statistic from the preset's four coefficients per permutation, weighted by
    /// the observed fit's covariance as the general engine weights it.
    /// </summary>
    private static NullDistribution Wald(PaperModelShape shape, PaperModelRun run, string[] tested)
    {
        const int k = SpilloverProblem.Regressors;
        int[] index = [.. tested.Select(term => Array.IndexOf(shape.PresetTerms, term))];
        double[]? weights = JointWald.Weights(run.Fit.Covariance(shape.PresetTerms), index, k);
        var values = new double[run.Result.Permutations];
        for (int p = 0; p < values.Length; p++) values[p] = JointWald.Statistic(run.Result.Null.AsSpan(p * k, k), index, weights);
        return new NullDistribution(JointWald.Statistic(run.Result.Observed, index, weights), values);
    }

    private static NetworkTestReport Report(NetworkTestOptions options, PaperModelShape shape, NodeTable nodes, CsrGraph graph, PaperModelRun run, List<PhaseTiming> timings)
    {
        string[] terms = [.. shape.Order.Select(k => shape.PresetTerms[k])];
        string[] tested = options.Tested.Count == 0 ? terms : [.. options.Tested.Distinct()]; // a term named twice is tested once, as the general engine does
        NullDistribution NullOf(string term)
        {
            int k = Array.IndexOf(shape.PresetTerms, term);
            return new NullDistribution(run.Result.Observed[k], run.Result.NullOf(k));
        }
        var nulls = tested.Select(term => (term, NullOf(term))).ToList();
        var coefficients = terms.Select(term => new CoefficientReport(term, run.Fit.Estimate(term), tested.Contains(term) ? NullOf(term) : null)).ToList();
        NullDistribution? wald = options.Joint && tested.Length > 1 ? Wald(shape, run, tested) : null;
        if (wald is not null) nulls.Add(("wald", wald));

        var notes = new List<string>(run.Notes)
        {
            $"the paper's model: its permutations ran on the paper preset's integer kernels, as `analyze` runs them (the same null for the same seed); --engine general runs the general kernels instead",
        };
        notes.AddRange(NetworkTest.WaldNotes(TestStatistic.Coefficient, wald, run.Fit.CovarianceLabel));
        notes.AddRange(NetworkTest.RunNotes(options, graph, run.Result.Notes));
        int present = 0; // the cells that occur, one bit each: a pass over 15M cells without hashing them
        foreach (TreatmentCell cell in nodes.Cells) present |= 1 << (int)cell;
        int codes = System.Numerics.BitOperations.PopCount((uint)present);
        return new NetworkTestReport
        {
            Formula = options.Formula,
            Permuted = options.Permute,
            Design = RandomizedDesign.Description(nodes.Count, 0, 0, codes, bernoulli: false),
            Statistic = "coef",
            Covariance = run.Fit.CovarianceLabel,
            PermutationCovariance = PermutationCovariance.Heteroskedastic(options.Se).Label,
            Units = run.Units,
            RowsDropped = nodes.Count - run.Units,
            Edges = graph.EdgeCount,
            Permutations = options.Permutations,
            Seed = options.Seed,
            Backend = string.IsNullOrEmpty(run.Result.Device) ? run.Result.Backend : $"{run.Result.Backend} ({run.Result.Device})",
            FixedEffects = shape.StrataText,
            ResidualDegreesOfFreedom = run.Fit.ResidualDegreesOfFreedom,
            Coefficients = coefficients,
            Wald = wald,
            Nulls = nulls,
            Notes = notes,
            Timings = [.. timings.Select(t => (t.Phase, t.Elapsed.TotalSeconds))],
        };
    }
}
