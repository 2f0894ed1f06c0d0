using GpuInference.Engine;
using System.CommandLine;
using GpuInference.Cli.Terminal;
using GpuInference.Data;
using Spectre.Console;
using GpuInference.Graph;

namespace GpuInference.Cli.Commands;

/// <summary><c>pack</c>: reads the CSVs once and writes the binary form that loads in a fraction of the time.</summary>
internal static class PackCommand
{
    /// <summary>Checks --out before the inputs are read: a folder or a missing parent would otherwise fail only at the end.</summary>
    private static void RequireWritableFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException("--out is not a file name.");
        if (Directory.Exists(path)) throw new UsageException($"--out '{path}' is a folder; give the name of the file to write.");
        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent)) throw new UsageException($"--out '{path}': the folder '{parent}' does not exist.");
    }

    public static Command Create(TextWriter output)
    {
        var inputs = new InputOptions();
        var outFile = new Option<string>("--out") { Description = "The binary dataset to write.", Required = true };
        var command = new Command("pack", "Convert a nodes and an edges CSV into a binary dataset for fast loading (use with analyze --pack).");
        inputs.AddTo(command);
        command.Options.Add(outFile);
        command.SetAction(parsed =>
        {
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            if (parsed.GetValue(inputs.Pack) is not null) throw new UsageException("pack takes --nodes and --edges.");
            string path = parsed.GetValue(outFile)!;
            RequireWritableFile(path);
            ExperimentInputs experiment = inputs.Experiment(parsed);
            LoadedExperiment data = ConsoleProgress.Run(console, progress =>
            {
                LoadedExperiment loaded = Experiments.Load(experiment, progress);
                progress.Begin($"writing {path}", 0);
                DatasetPack.Write(path, loaded.Nodes, loaded.Graph);
                progress.End();
                return loaded;
            });
            console.MarkupLine(Markup.Escape($"{data.Nodes.Count:N0} nodes, {data.Graph.EdgeCount:N0} edges → {path} ({new FileInfo(path).Length / 1048576.0:F1} MiB)"));
            return ExitCodes.Success;
        });
        return command;
    }
}
