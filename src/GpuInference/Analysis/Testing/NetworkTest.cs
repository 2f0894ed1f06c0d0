using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Design.Randomization;
using GpuInference.Estimation;
using GpuInference.Graph;
using GpuInference.Inference;
using GpuInference.Inference.Models;
using GpuInference.Model;
using GpuInference.Model.Formula;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// The general randomization test of a network experiment, end to end: read the nodes and edges, bind the formula,
/// declare the design, fit the observed model with model-based standard errors, and build the randomization null of
/// every tested statistic by re-running the fit under re-drawn assignments.
/// </summary>
public static class NetworkTest
{
    /// <summary>
    /// Checks what can be checked before reading any data: the formula's syntax and the options. Throws
    /// <see cref="FormulaException"/> or <see cref="ArgumentException"/>.
    /// </summary>
    public static ModelFormula Check(NetworkTestOptions options, IReadOnlyList<IBackendProvider>? providers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Device < 0) throw new ArgumentException("--device counts from 0");
        // A misspelt backend is a usage error; one named that cannot run here stops the run before any data is read.
        BackendSession.Check(options.Backend, providers ?? BackendProviders.Default, new BackendOptions { Threads = options.Threads, Device = options.Device });
        ModelFormula formula = ModelFormula.Parse(options.Formula);
        if (options.Permutations is < 1 or > NetworkTestOptions.MaxPermutations)
            throw new ArgumentException($"--permutations must be between 1 and {NetworkTestOptions.MaxPermutations:N0}");
        if (options.Permute.Count == 0) throw new ArgumentException("--permute names no column");
        if (options.Design == DesignKind.File && options.DesignFile is null) throw new ArgumentException("--design file:PATH names no file");
        if (options.Design == DesignKind.File && (options.Within is not null || options.Clusters is not null))
            throw new ArgumentException("--design file:PATH gives the assignments themselves: --within and --clusters do not apply");
        if (!(Enum.TryParse(options.Se, out CovarianceType type) && Enum.IsDefined(type)))
            throw new ArgumentException($"--se {options.Se}: choose Classical, HC0, HC1, HC2, HC3, or CR0, CR1, CR2 with a cluster column (CR1:village)");
        if (CovarianceSpecification.IsClustered(type) && options.SeClusters is null) throw new ArgumentException($"--se {options.Se} needs a cluster column: --se {options.Se}:COLUMN");
        if (!CovarianceSpecification.IsClustered(type) && options.SeClusters is not null) throw new ArgumentException($"--se {options.Se}:{options.SeClusters}: only CR0, CR1 and CR2 take a cluster column");
        return formula;
    }

    /// <summary>Runs the test; the permutations go to the backend <see cref="NetworkTestOptions.Backend"/> names among <paramref name="providers"/>.</summary>
    public static NetworkTestReport Run(NetworkTestOptions options, IAnalysisProgress? progress = null, IReadOnlyList<IBackendProvider>? providers = null)
    {
        ModelFormula formula = Check(options, providers);
        providers ??= BackendProviders.Default;
        var timings = new List<(string, double)>();
        var clock = Stopwatch.StartNew();
        void Phase(string name)
        {
            timings.Add((name, clock.Elapsed.TotalSeconds));
            clock.Restart();
        }

        string[] header = ReadHeader(options.NodesPath);
        formula.Validate(header, BuiltInColumns.All);
        var request = new ModelRequest
        {
            Formula = formula,
            Permuted = options.Permute,
            Where = options.Where,
            Tested = options.Tested,
            Joint = options.Joint,
            Extra = [.. new[] { options.Within, options.Clusters, options.SeClusters }.OfType<string>()],
        };
        foreach (string column in request.ColumnsToRead().Where(c => !header.Contains(c)))
            throw new DataFormatException(options.NodesPath, 1, 1, $"missing column '{column}' (header has: {string.Join(", ", header)})");
        if (PaperModelShape.Of(options, formula) is PaperModelShape shape && PaperModelTest.TryRun(options, shape, progress, providers) is NetworkTestReport paper)
            return paper;

        progress?.Begin($"loading {options.NodesPath}", 0);
        ColumnTable table = ColumnTableReader.Read(options.NodesPath, options.IdColumn, request.ColumnsToRead());
        progress?.End();
        progress?.Begin($"loading {options.EdgesPath}", 0);
        CsrGraph graph = EdgeListReader.Read(options.EdgesPath, table.Ids, EdgeOptions(options));
        progress?.End();
        Phase("load");

        CompiledModel model = ModelCompiler.Compile(request, table, graph);
        IAssignmentDesign design = DesignBuilder.Build(options, table, model);
        int permutations = design.PermutationLimit is long limit ? (int)Math.Min(limit, options.Permutations) : options.Permutations;
        Phase("model");

        CovarianceType observedType = Enum.Parse<CovarianceType>(options.Se);
        int[]? unitClusters = options.SeClusters is null ? null : UnitClusters(table, model, options.SeClusters);
        OlsResult fit = ObservedFit.Fit(model, observedType, unitClusters is null ? null : Clusters.FromIds(options.SeClusters!, unitClusters.AsSpan()));
        Phase("observed fit");

        PermutationCovariance inside = InsideCovariance(options, model, unitClusters);
        progress?.Begin($"{permutations:N0} permutations", permutations);
        var backendNotes = new List<string>();
        var backendOptions = new BackendOptions { Threads = options.Threads, Device = options.Device };
        RandomizationResult result = RandomizationTest.Run(
            model, design, options.Seed, permutations, options.Statistic, inside, options.Threads,
            new SynchronousProgress<int>(done => progress?.Advance(done)),
            backend: problem => BackendSession.OpenModel(options.Backend, providers, problem, backendOptions, backendNotes),
            jointCovariance: options.Statistic == TestStatistic.Coefficient && model.Joint && model.Tested.Length > 1 ? fit.Covariance([.. model.Moving.Select(m => m.Name)]) : null);
        progress?.End();
        timings.Add(("layout", result.PreparationSeconds));
        timings.Add(("permutations", clock.Elapsed.TotalSeconds - result.PreparationSeconds));
        clock.Restart();

        return Assemble(options, model, graph, design, fit, result, inside, permutations, timings, backendNotes);
    }

    private static NetworkTestReport Assemble(
        NetworkTestOptions options, CompiledModel model, CsrGraph graph, IAssignmentDesign design, OlsResult fit, RandomizationResult result,
        PermutationCovariance inside, int permutations, List<(string, double)> timings, IReadOnlyList<string> backendNotes)
    {
        var byName = result.Statistics.ToDictionary(s => s.Name, s => s.Null);
        var coefficients = fit.Names.Where(name => !model.Nuisance.Contains(name))
            .Select(name => new CoefficientReport(name, fit.Estimate(name), byName.GetValueOrDefault(name))).ToList();
        var notes = new List<string>(model.Notes);
        NullDistribution? wald = byName.GetValueOrDefault("wald");
        if (options.Statistic == TestStatistic.Studentized)
            notes.Add($"the studentized{(wald is null ? "" : " and Wald")} statistics use {inside.Label} standard errors recomputed inside every permutation, by Frisch–Waugh–Lovell on the fixed part");
        notes.AddRange(WaldNotes(options.Statistic, wald, options.Statistic == TestStatistic.Studentized ? inside.Label : fit.CovarianceLabel));
        notes.AddRange(RunNotes(options, graph, backendNotes));
        return new NetworkTestReport
        {
            Formula = model.Formula,
            Permuted = options.Permute,
            Design = design.Describe(),
            Statistic = options.Statistic == TestStatistic.Studentized ? "t" : "coef",
            Covariance = fit.CovarianceLabel,
            PermutationCovariance = inside.Label,
            Units = model.UnitCount,
            RowsDropped = model.RowsDropped,
            Edges = graph.EdgeCount,
            Permutations = permutations,
            Seed = options.Seed,
            Backend = result.Engine,
            FixedEffects = model.FixedEffectName,
            ResidualDegreesOfFreedom = fit.ResidualDegreesOfFreedom,
            Clusters = fit.ClusterCount > 0 ? fit.ClusterCount : null,
            Coefficients = coefficients,
            Wald = byName.GetValueOrDefault("wald"),
            Nulls = [.. result.Statistics.Select(s => (s.Name, s.Null))],
            Notes = notes,
            Timings = timings,
        };
    }

    /// <summary>
    /// What a report says of its joint Wald statistic: the coefficients' fixed weights (the observed fit's
    /// <paramref name="label"/> covariance), and when the covariance is singular, that the statistic is undefined.
    /// </summary>
    internal static IEnumerable<string> WaldNotes(TestStatistic statistic, NullDistribution? wald, string label)
    {
        if (wald is null) yield break;
        if (statistic == TestStatistic.Coefficient)
            yield return $"the joint Wald statistic weights every permutation's coefficients by the inverse of the observed fit's {label} covariance, the same weights throughout (--statistic t recomputes the covariance in every permutation)";
        if (double.IsNaN(wald.Observed))
            yield return $"the joint Wald statistic is undefined: the tested terms' {label} covariance is singular (fewer clusters than tested terms, or terms that move together); test them one by one with --no-wald";
    }

    /// <summary>What every test's report says after the model's own notes: the backend's choices, dropped edges, how p is counted.</summary>
    internal static IEnumerable<string> RunNotes(NetworkTestOptions options, CsrGraph graph, IReadOnlyList<string> backendNotes)
    {
        if (options.Backend == "auto")
        {
            foreach (string note in backendNotes) yield return $"backend: {note}";
        }
        if (graph.UnknownDropped > 0) yield return $"{graph.UnknownDropped:N0} edge{(graph.UnknownDropped == 1 ? "" : "s")} named an id not in the nodes file and {(graph.UnknownDropped == 1 ? "was" : "were")} dropped (--unknown-edges drop)";
        if (graph.SelfLoopsDropped + graph.DuplicatesDropped > 0) yield return $"{graph.SelfLoopsDropped:N0} self-loops and {graph.DuplicatesDropped:N0} repeated edges dropped";
        yield return "p_two_sided = (1 + #{|null| >= |observed|}) / (1 + B); p_greater and p_less count null >= observed and null <= observed";
    }

    /// <summary>The edges file's reading options of a test.</summary>
    internal static EdgeListOptions EdgeOptions(NetworkTestOptions options) =>
        new() { SourceColumn = options.SourceColumn, TargetColumn = options.TargetColumn, DropUnknownIds = options.DropUnknownEdges };

    /// <summary>
    /// The covariance inside permutations: the observed type where it can be recomputed per permutation from the
    /// moving columns alone; CR2 (whose adjustment needs the whole design's cluster blocks) becomes CR1 there.
    /// </summary>
    private static PermutationCovariance InsideCovariance(NetworkTestOptions options, CompiledModel model, int[]? clusters)
    {
        if (clusters is null) return PermutationCovariance.Heteroskedastic(options.Se);
        int count = clusters.Max() + 1;
        bool nested = model.FixedEffect is int[] groups && NestedIn(groups, clusters);
        return new PermutationCovariance(options.Se == "CR0" ? "CR0" : "CR1", clusters, count, options.SeClusters, nested);
    }

    /// <summary>A dense cluster id per unit, from the --se column (which every unit must have).</summary>
    private static int[] UnitClusters(ColumnTable table, CompiledModel model, string column)
    {
        int[] all = DesignBuilder.Ids(table, column, "--se");
        var dense = new Dictionary<int, int>();
        return [.. model.UnitNodes.Select(node => dense.TryGetValue(all[node], out int id) ? id : dense[all[node]] = dense.Count)];
    }

    /// <summary>Whether every group lies inside a single cluster.</summary>
    private static bool NestedIn(int[] groups, int[] clusters)
    {
        var clusterOf = new Dictionary<int, int>();
        for (int i = 0; i < groups.Length; i++)
        {
            if (clusterOf.TryGetValue(groups[i], out int c) && c != clusters[i]) return false;
            clusterOf[groups[i]] = clusters[i];
        }
        return true;
    }

    private static string[] ReadHeader(string path) => RecordFile.ReadHeader(path);
}
