using GpuInference.Engine;
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
        foreach (Option option in new Option[] { analyze.Permutations, analyze.Seed, analyze.Backend, analyze.Device, analyze.Threads, analyze.BatchSize, analyze.MatchFraction, analyze.Se })
        {
            command.Options.Add(option);
        }
        var outDir = new Option<string>("--out") { Description = "Folder for the simulated data and the report.", DefaultValueFactory = _ => "gpuinference-demo" };
        command.Options.Add(outDir);
        command.SetAction(parsed =>
        {
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            string folder = parsed.GetValue(outDir)!;
            string reportFolder = Path.Combine(folder, "report");
            // The options and the report folder are checked before the simulation, not after it.
            AnalysisOptions analysis = analyze.Analysis(parsed);
            using ReportPublication publication = ReportOutput.Begin(reportFolder);
            var (nodes, edges, summary) = SimulateCommand.Simulate(console, simulate.Simulation(parsed), Path.Combine(folder, "data"));
            console.MarkupLine(Markup.Escape($"simulated {summary.NodeCount:N0} people and {summary.EdgeCount:N0} ties into {Path.GetDirectoryName(nodes)}"));

            var inputs = new ExperimentInputs { NodesPath = nodes, EdgesPath = edges };
            AnalysisReport report = ConsoleProgress.Run(console, progress => AnalyzeCommand.Front.Analyze(inputs, analysis, progress));
            Experiments.Publish(publication, report);
            ReportSummary.Print(console, report, reportFolder);
            console.MarkupLine(Markup.Escape(
                $"simulated truth: direct {simulate.Simulation(parsed).BothEffect * 100:+0.00}%, banner spillover {parsed.GetValue(simulate.BannerSpillover) * 100:+0.000}%, feed spillover {parsed.GetValue(simulate.FeedSpillover) * 100:+0.000}% per friend"));
            return ExitCodes.Success;
        });
        return command;
    }
}
