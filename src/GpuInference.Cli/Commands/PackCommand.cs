using System.CommandLine;
using GpuInference.Cli.Terminal;
using GpuInference.Data;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>pack</c>: reads the CSVs once and writes the binary form that loads in a fraction of the time.</summary>
internal static class PackCommand
{
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
            LoadedDataset data = ConsoleProgress.Run(console, progress =>
            {
                LoadedDataset loaded = DatasetLoader.Load(inputs, parsed, progress);
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
