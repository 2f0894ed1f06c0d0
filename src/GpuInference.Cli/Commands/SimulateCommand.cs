using System.CommandLine;
using GpuInference.Analysis;
using GpuInference.Cli.Terminal;
using GpuInference.Simulation;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>simulate</c>: writes a synthetic experiment shaped like the paper's, streaming to disk.</summary>
internal static class SimulateCommand
{
    internal sealed class Options
    {
        public Option<int> N { get; } = new("--n") { Description = "People to simulate (the paper: 15,060,897).", DefaultValueFactory = _ => 1_000_000 };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the simulation.", DefaultValueFactory = _ => 2012UL };
        public Option<double> DirectEffect { get; } = new("--direct-effect") { Description = "Effect of both treatments vs neither on turnout.", DefaultValueFactory = _ => 0.0024 };
        public Option<double> BannerSpillover { get; } = new("--banner-spillover") { Description = "Effect per close friend with banner.", DefaultValueFactory = _ => 0.0010 };
        public Option<double> FeedSpillover { get; } = new("--feed-spillover") { Description = "Effect per close friend with feed.", DefaultValueFactory = _ => 0.0001 };
        public Option<bool> Gzip { get; } = new("--gzip") { Description = "Write nodes.csv.gz and edges.csv.gz." };
        public Option<double> LocalShare { get; } = new("--local-share") { Description = "Share of friends drawn from the 50 ids around a person (0: uniform random friends, ids that carry no locality, as real ids).", DefaultValueFactory = _ => 0.8 };

        public void AddTo(Command command)
        {
            foreach (Option option in new Option[] { N, Seed, DirectEffect, BannerSpillover, FeedSpillover, Gzip, LocalShare }) command.Options.Add(option);
        }

        public ExperimentSimulationOptions Simulation(ParseResult parsed, int? n = null)
        {
            var options = new ExperimentSimulationOptions
            {
                NodeCount = n ?? parsed.GetValue(N),
                Seed = parsed.GetValue(Seed),
                BothEffect = parsed.GetValue(DirectEffect),
                BannerSpillover = parsed.GetValue(BannerSpillover),
                FeedSpillover = parsed.GetValue(FeedSpillover),
                Gzip = parsed.GetValue(Gzip),
                LocalShare = parsed.GetValue(LocalShare),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            return options;
        }
    }

    public static Command Create(TextWriter output)
    {
        var options = new Options();
        var outDir = new Option<string>("--out") { Description = "Folder for nodes.csv and edges.csv.", Required = true };
        var kind = new Option<string>("--kind") { Description = "paper (the 2012 experiment's shape) or villages (a session-randomized village experiment for `test`).", DefaultValueFactory = _ => "paper" };
        var command = new Command("simulate", "Write a synthetic experiment shaped like the 2012 one (2×2 design, ~5 close friends each, known effects), or a village experiment.");
        options.AddTo(command);
        command.Options.Add(outDir);
        command.Options.Add(kind);
        command.SetAction(parsed =>
        {
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            if (parsed.GetValue(kind) is string k && k != "paper")
            {
                if (k != "villages") throw new UsageException($"--kind: '{k}' is not paper or villages.");
                string folder = parsed.GetValue(outDir)!;
                Directory.CreateDirectory(folder);
                var (people, nominations) = GpuInference.Simulation.VillageExperimentSimulator.Write(
                    Path.Combine(folder, "nodes.csv"), Path.Combine(folder, "edges.csv"), parsed.GetValue(options.N), parsed.GetValue(options.Seed));
                console.MarkupLine(Markup.Escape($"{people:N0} people in villages, {nominations:N0} friend nominations: {Path.Combine(folder, "nodes.csv")}, {Path.Combine(folder, "edges.csv")}"));
                return ExitCodes.Success;
            }
            var (nodes, edges, summary) = Simulate(console, options.Simulation(parsed), parsed.GetValue(outDir)!);
            console.MarkupLine(Markup.Escape($"{summary.NodeCount:N0} people, {summary.EdgeCount:N0} close-friend ties (mean {summary.MeanDegree:F2}), turnout {summary.Turnout:P2}: {nodes}, {edges}"));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static (string Nodes, string Edges, SimulationSummary Summary) Simulate(IAnsiConsole console, ExperimentSimulationOptions options, string outDir)
    {
        Directory.CreateDirectory(outDir);
        string suffix = options.Gzip ? ".csv.gz" : ".csv";
        string nodes = Path.Combine(outDir, "nodes" + suffix), edges = Path.Combine(outDir, "edges" + suffix);
        SimulationSummary summary = ConsoleProgress.Run(console, progress =>
        {
            progress.Begin($"simulating {options.NodeCount:N0} people", options.NodeCount);
            var report = new SynchronousProgress<SimulationProgress>(p => progress.Advance(p.NodesWritten));
            SimulationSummary result = ExperimentSimulator.Write(nodes, edges, options, report);
            progress.End();
            return result;
        });
        return (nodes, edges, summary);
    }
}
