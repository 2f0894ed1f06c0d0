using System.CommandLine;
using System.Diagnostics;
using GpuInference.Analysis;
using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Reporting;

namespace GpuInference.Cli.Commands;

/// <summary>A loaded experiment with the time each part took and where it came from.</summary>
internal sealed record LoadedDataset(NodeTable Nodes, CsrGraph Graph, IReadOnlyList<PhaseTiming> Timings, IReadOnlyList<KeyValuePair<string, string>> Inputs);

/// <summary>Loads --pack, or --nodes with --edges, reporting each step as a progress phase.</summary>
internal static class DatasetLoader
{
    /// <summary>
    /// Checks, before any work, that the options name one dataset and that each file named is there and is a
    /// file: a missing second file should not be found only after the first has loaded.
    /// </summary>
    public static void Check(InputOptions inputs, ParseResult parsed)
    {
        string? pack = parsed.GetValue(inputs.Pack);
        string? nodesPath = parsed.GetValue(inputs.Nodes);
        string? edgesPath = parsed.GetValue(inputs.Edges);
        if (pack is not null && (nodesPath is not null || edgesPath is not null)) throw new UsageException("give either --pack or --nodes with --edges, not both.");
        if (pack is null && (nodesPath is null || edgesPath is null)) throw new UsageException("give --nodes and --edges (or --pack).");
        _ = inputs.NodeOptions(parsed); // the options' own usage errors, such as --vote2010-levels naming nothing
        foreach (string? path in new[] { pack, nodesPath, edgesPath })
        {
            if (path is null) continue;
            if (Directory.Exists(path)) throw new DataFormatException(path, "is a folder, not a file");
            if (!File.Exists(path)) throw new DataFormatException(path, "no such file");
        }
    }

    public static LoadedDataset Load(InputOptions inputs, ParseResult parsed, IAnalysisProgress progress)
    {
        Check(inputs, parsed);
        string? pack = parsed.GetValue(inputs.Pack);
        string nodesPath = parsed.GetValue(inputs.Nodes)!;
        string edgesPath = parsed.GetValue(inputs.Edges)!;
        var clock = Stopwatch.StartNew();
        if (pack is not null)
        {
            progress.Begin($"loading {pack}", 0);
            PackedDataset dataset = DatasetPack.Read(pack);
            progress.End();
            return new LoadedDataset(dataset.Nodes, dataset.Graph, [new PhaseTiming("load", clock.Elapsed)], [new("pack", pack)]);
        }

        progress.Begin($"loading {nodesPath}", 0);
        NodeTable nodes = NodeTableReader.Read(nodesPath, inputs.NodeOptions(parsed));
        progress.End();
        TimeSpan nodesTime = clock.Elapsed;
        progress.Begin($"loading {edgesPath}", 0);
        CsrGraph graph = EdgeListReader.Read(edgesPath, nodes.Ids!, inputs.EdgeOptions(parsed));
        progress.End();
        return new LoadedDataset(nodes, graph,
            [new PhaseTiming("load_nodes", nodesTime), new PhaseTiming("load_edges", clock.Elapsed - nodesTime), new PhaseTiming("load", clock.Elapsed)],
            [new("nodes", nodesPath), new("edges", edgesPath)]);
    }
}
