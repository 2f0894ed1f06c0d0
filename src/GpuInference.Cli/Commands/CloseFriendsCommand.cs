using System.CommandLine;
using GpuInference.Analysis;
using GpuInference.Cli.Terminal;
using GpuInference.Graph.CloseFriends;
using GpuInference.Simulation;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>close-friends</c>: derives the close-friend edges from an interaction log (and <c>close-friends simulate</c> writes one).</summary>
internal static class CloseFriendsCommand
{
    public static Command Create(TextWriter output)
    {
        var interactions = new Option<string>("--interactions") { Description = "Interaction log CSV (plain or gzip): src,dst,count (src directed count actions at dst).", Required = true };
        var outFile = new Option<string>("--out") { Description = "The close-friend edges CSV to write (src,dst; gzip if it ends in .gz).", Required = true };
        var percentile = new Option<double>("--percentile") { Description = "Pairs whose share of the person's actions is at or above this percentile of all pairs' shares (nearest rank; ties included).", DefaultValueFactory = _ => 90 };
        var memory = new Option<string>("--memory") { Description = "Working-memory budget (e.g. 256M, 2G); beyond it data spills to disk.", DefaultValueFactory = _ => "2G" };
        var threads = new Option<int>("--threads") { Description = "Threads aggregating partitions at once, each in an equal share of --memory (0: one per core, at most 4).", DefaultValueFactory = _ => 0 };
        var temp = new Option<string?>("--temp") { Description = "Folder for spill files (default: beside --out)." };
        var srcColumn = new Option<string>("--src-column") { Description = "The person who acted.", DefaultValueFactory = _ => "src" };
        var dstColumn = new Option<string>("--dst-column") { Description = "The friend acted towards.", DefaultValueFactory = _ => "dst" };
        var countColumn = new Option<string>("--count-column") { Description = "Number of actions.", DefaultValueFactory = _ => "count" };
        var command = new Command("close-friends",
            "Derive close friends from an interaction log, as the paper did: the friends whose share of a person's actions is at or above the 90th percentile of all such shares.");
        foreach (Option option in new Option[] { interactions, outFile, percentile, memory, threads, temp, srcColumn, dstColumn, countColumn }) command.Options.Add(option);
        command.Subcommands.Add(CreateSimulate(output));
        command.SetAction(parsed =>
        {
            if (!MemorySize.TryParse(parsed.GetValue(memory), out long budget))
                throw new UsageException($"--memory: '{parsed.GetValue(memory)}' is not a size (e.g. 256M, 2G).");
            var options = new CloseFriendOptions
            {
                Percentile = parsed.GetValue(percentile),
                MemoryBytes = budget,
                Threads = parsed.GetValue(threads),
                TempDirectory = parsed.GetValue(temp),
                SourceColumn = parsed.GetValue(srcColumn)!,
                TargetColumn = parsed.GetValue(dstColumn)!,
                CountColumn = parsed.GetValue(countColumn)!,
            };
            string input = parsed.GetValue(interactions)!, path = parsed.GetValue(outFile)!;
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            CloseFriendSummary summary;
            try
            {
                summary = ConsoleProgress.Run(console, progress => CloseFriendFinder.Run(input, path, options, progress));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            // Plain lines: the summary is read by scripts too, and must not be wrapped at the console's width.
            foreach (string line in Describe(summary, path)) output.WriteLine(line);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static IEnumerable<string> Describe(CloseFriendSummary s, string path)
    {
        yield return $"{s.InputRows:N0} rows: {s.Actions:N0} actions kept; dropped {s.SelfActionRows:N0} self-action rows ({s.SelfActions:N0} actions) and {s.ZeroCountRows:N0} rows with count 0";
        yield return $"{s.People:N0} people with actions, {s.Pairs:N0} (person, friend) pairs";
        if (s.CutOff is { } c)
        {
            yield return $"cut-off share at the {s.Percentile:0.###}th percentile (rank {s.CutOffRank:N0} of {s.Pairs:N0}): {c.Value:G6} = {c.Reduced()} ({s.PairsAtCutOff:N0} pairs tied at it, all included)";
        }
        else
        {
            yield return "no pairs: no cut-off, no close friends";
        }
        yield return $"spilled {MemorySize.Format(s.SpilledBytes)} over {s.Partitions:N0} partitions; {s.SelectionPasses} pass(es) over the shares to find the cut-off";
        yield return $"{s.CloseFriendEdges:N0} close-friend edges, {s.MeanCloseFriendsPerPerson:F2} per person ({s.PeopleWithCloseFriends:N0} people with at least one) → {path}";
    }

    private static Command CreateSimulate(TextWriter output)
    {
        var rows = new Option<long>("--rows") { Description = "Interaction rows to write.", DefaultValueFactory = _ => 1_000_000 };
        var people = new Option<long>("--people") { Description = "People (default: one per 25 rows)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 2012UL };
        var gzip = new Option<bool>("--gzip") { Description = "Write gzip." };
        var outFile = new Option<string>("--out") { Description = "The interaction log to write.", Required = true };
        var command = new Command("simulate", "Write a synthetic interaction log src,dst,count (for benchmarks): ~10-49 friends a person, a few of them getting most actions.");
        foreach (Option option in new Option[] { rows, people, seed, gzip, outFile }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var options = new InteractionLogOptions { Rows = parsed.GetValue(rows), People = parsed.GetValue(people), Seed = parsed.GetValue(seed), Gzip = parsed.GetValue(gzip) };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            string path = parsed.GetValue(outFile)!;
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            ConsoleProgress.Run(console, progress =>
            {
                progress.Begin($"writing {options.Rows:N0} interaction rows", options.Rows);
                InteractionLogSimulator.Write(path, options, new SynchronousProgress<long>(progress.Advance));
                progress.End();
                return 0;
            });
            console.MarkupLine(Markup.Escape($"{options.Rows:N0} rows over {options.ResolvedPeople:N0} people → {path}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
