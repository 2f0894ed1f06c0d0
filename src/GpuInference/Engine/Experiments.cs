using System.Diagnostics;
using GpuInference.Analysis;
using GpuInference.Analysis.Testing;
using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Reporting;
using GpuInference.Reporting.Testing;

namespace GpuInference.Engine;

/// <summary>A loaded experiment: the node table, the graph, how long loading took, and which files it came from.</summary>
public sealed record LoadedExperiment(NodeTable Nodes, CsrGraph Graph, IReadOnlyList<PhaseTiming> Timings, IReadOnlyList<KeyValuePair<string, string>> Inputs);

/// <summary>
/// The library's front door: everything a program needs to run the paper's analysis or a general randomization test
/// and publish its report, in one place. It owns loading (with timings), the choice of backend (the default
/// provider list, or the caller's), the run, and the atomic publication of the report set; the command line is a
/// thin shell over it.
/// </summary>
/// <param name="providers">The backends to choose from, in the order auto tries them; null: <see cref="BackendProviders.Default"/>.</param>
public sealed class Experiments(IReadOnlyList<IBackendProvider>? providers = null)
{
    public IReadOnlyList<IBackendProvider> Providers { get; } = providers ?? BackendProviders.Default;

    /// <summary>
    /// Fails fast, before any data are read, when <paramref name="backend"/> names no backend (<see cref="ArgumentException"/>)
    /// or one that cannot run here (<see cref="BackendUnavailableException"/>).
    /// </summary>
    public void CheckBackend(string backend, int? device = null)
    {
        BackendSession.Check(backend, Providers, new BackendOptions { Device = device });
    }

    /// <summary>Loads a nodes and an edges file, or a packed dataset, timing each step.</summary>
    public static LoadedExperiment Load(ExperimentInputs inputs, IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.Check();
        var clock = Stopwatch.StartNew();
        if (inputs.PackPath is string pack)
        {
            progress?.Begin($"loading {pack}", 0);
            PackedDataset dataset = DatasetPack.Read(pack);
            progress?.End();
            return new LoadedExperiment(dataset.Nodes, dataset.Graph, [new PhaseTiming("load", clock.Elapsed)], [new("pack", pack)]);
        }
        progress?.Begin($"loading {inputs.NodesPath}", 0);
        NodeTable nodes = NodeTableReader.Read(inputs.NodesPath!, inputs.NodeOptions);
        progress?.End();
        TimeSpan nodesTime = clock.Elapsed;
        progress?.Begin($"loading {inputs.EdgesPath}", 0);
        CsrGraph graph = EdgeListReader.Read(inputs.EdgesPath!, nodes.Ids!, inputs.EdgeOptions);
        progress?.End();
        return new LoadedExperiment(nodes, graph,
            [new PhaseTiming("load_nodes", nodesTime), new PhaseTiming("load_edges", clock.Elapsed - nodesTime), new PhaseTiming("load", clock.Elapsed)],
            [new("nodes", inputs.NodesPath!), new("edges", inputs.EdgesPath!)]);
    }

    /// <summary>The paper's analysis: load, fit, permute on the chosen backend.</summary>
    public AnalysisReport Analyze(ExperimentInputs inputs, AnalysisOptions options, IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        progress ??= SilentProgress.Instance;
        LoadedExperiment data = Load(inputs, progress);
        return ExperimentAnalysis.Run(data.Nodes, data.Graph, options, Providers, progress, data.Timings, data.Inputs);
    }

    /// <summary>The general randomization test of any network experiment, on <paramref name="providers"/> (default: <see cref="BackendProviders.Default"/>).</summary>
    public static NetworkTestReport Test(NetworkTestOptions options, IAnalysisProgress? progress = null, IReadOnlyList<IBackendProvider>? providers = null) =>
        NetworkTest.Run(options, progress, providers);

    /// <summary>Publishes the paper's report set into the publication's folder at once (see <see cref="ReportPublication"/>).</summary>
    public static IReadOnlyList<string> Publish(ReportPublication publication, AnalysisReport report) =>
        publication.Publish(staging => ReportDirectory.Write(report, staging));

    /// <summary>Publishes a test's report set at once (see <see cref="ReportPublication"/>).</summary>
    public static IReadOnlyList<string> Publish(ReportPublication publication, NetworkTestReport report) =>
        publication.Publish(staging => TestReportSet.Write(report, staging));
}
