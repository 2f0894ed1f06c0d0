using System.CommandLine;
using GpuInference.Cli.Terminal;
using GpuInference.Reporting;
using Spectre.Console;
using GpuInference.Analysis;

namespace GpuInference.Cli.Commands;

/// <summary><c>demo</c>: simulate an experiment with known effects, analyse it, print the table.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var simulate = new SimulateCommand.Options();
        var analyze = new AnalyzeCommand.Options();
        var command = new Command("demo", "Simulate an experiment (N = 1,000,000 unless given) and run the whole analysis on it.");
        simulate.AddTo(command);
        foreach (Option option in new Option[] { analyze.Permutations, analyze.Backend, analyze.Threads, analyze.BatchSize, analyze.MatchFraction, analyze.Se })
        {
            command.Options.Add(option);
        }
        var outDir = new Option<string>("--out") { Description = "Folder for the simulated data and the report.", DefaultValueFactory = _ => "gpuinference-demo" };
        command.Options.Add(outDir);
        command.SetAction(parsed =>
        {
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            string folder = parsed.GetValue(outDir)!;
            // The report folder is checked before the simulation, not after it.
            ReportOutput.Begin(Path.Combine(folder, "report")).Dispose();
            var (nodes, edges, summary) = SimulateCommand.Simulate(console, simulate.Simulation(parsed), Path.Combine(folder, "data"));
            console.MarkupLine(Markup.Escape($"simulated {summary.NodeCount:N0} people and {summary.EdgeCount:N0} ties into {Path.GetDirectoryName(nodes)}"));

            // Reuse analyze's own parsing by handing it the files just written.
            ParseResult analyzeArgs = AnalyzeArguments(analyze, parsed, nodes, edges, Path.Combine(folder, "report"));
            AnalysisReport report = AnalyzeCommand.Analyze(console, analyze, analyzeArgs, Path.Combine(folder, "report"));
            ReportSummary.Print(console, report, Path.Combine(folder, "report"));
            console.MarkupLine(Markup.Escape(
                $"simulated truth: direct {simulate.Simulation(parsed).BothEffect * 100:+0.00}%, banner spillover {parsed.GetValue(simulate.BannerSpillover) * 100:+0.000}%, feed spillover {parsed.GetValue(simulate.FeedSpillover) * 100:+0.000}% per friend"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static ParseResult AnalyzeArguments(AnalyzeCommand.Options analyze, ParseResult demo, string nodes, string edges, string outDir)
    {
        var command = new Command("analyze");
        analyze.AddTo(command);
        string[] args =
        [
            "--nodes", nodes, "--edges", edges, "--out", outDir,
            "--permutations", demo.GetValue(analyze.Permutations).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--backend", demo.GetValue(analyze.Backend)!,
            "--threads", demo.GetValue(analyze.Threads).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--batch-size", demo.GetValue(analyze.BatchSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--match-fraction", demo.GetValue(analyze.MatchFraction).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            "--se", demo.GetValue(analyze.Se).ToString(),
        ];
        return command.Parse(args);
    }
}
