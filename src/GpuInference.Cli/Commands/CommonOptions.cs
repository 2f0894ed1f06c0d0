using GpuInference.Engine;
using System.CommandLine;
using GpuInference.Data;
using GpuInference.Graph;

namespace GpuInference.Cli.Commands;

/// <summary>Options shared by several commands: the input files and their column names.</summary>
internal sealed class InputOptions
{
    public Option<string?> Nodes { get; } = new("--nodes") { Description = "Nodes CSV (plain or .gz): id, voted, banner, feed, vote2010[, logged_in]." };
    public Option<string?> Edges { get; } = new("--edges") { Description = "Edges CSV (plain or .gz): src,dst (dst is a close friend of src)[, weight]." };
    public Option<string?> Pack { get; } = new("--pack") { Description = "A binary dataset written by 'gpuinference pack' (instead of --nodes/--edges)." };
    public Option<string> IdColumn { get; } = new("--id-column") { Description = "Node id column.", DefaultValueFactory = _ => "id" };
    public Option<string> OutcomeColumn { get; } = new("--outcome-column") { Description = "Outcome column (an empty cell: not an analysis unit).", DefaultValueFactory = _ => "voted" };
    public Option<string> BannerColumn { get; } = new("--banner-column") { Description = "Banner treatment column (0/1).", DefaultValueFactory = _ => "banner" };
    public Option<string> FeedColumn { get; } = new("--feed-column") { Description = "Feed treatment column (0/1).", DefaultValueFactory = _ => "feed" };
    public Option<string> Vote2010Column { get; } = new("--vote2010-column") { Description = "Past-turnout column (categorical).", DefaultValueFactory = _ => "vote2010" };
    public Option<string> Vote2010Levels { get; } = new("--vote2010-levels") { Description = "The levels the past-turnout column may hold, comma-separated ('any': any non-blank text).", DefaultValueFactory = _ => string.Join(",", NodeTableOptions.PaperVote2010Levels) };
    public Option<string> LoggedInColumn { get; } = new("--logged-in-column") { Description = "Logged-in column (0/1, optional in the file).", DefaultValueFactory = _ => "logged_in" };
    public Option<string> SourceColumn { get; } = new("--src-column") { Description = "Edge source column.", DefaultValueFactory = _ => "src" };
    public Option<string> TargetColumn { get; } = new("--dst-column") { Description = "Edge target (close friend) column.", DefaultValueFactory = _ => "dst" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Nodes, Edges, Pack, IdColumn, OutcomeColumn, BannerColumn, FeedColumn, Vote2010Column, Vote2010Levels, LoggedInColumn, SourceColumn, TargetColumn })
        {
            command.Options.Add(option);
        }
    }

    public NodeTableOptions NodeOptions(ParseResult parsed) => new()
    {
        IdColumn = parsed.GetValue(IdColumn)!,
        OutcomeColumn = parsed.GetValue(OutcomeColumn)!,
        BannerColumn = parsed.GetValue(BannerColumn)!,
        FeedColumn = parsed.GetValue(FeedColumn)!,
        Vote2010Column = parsed.GetValue(Vote2010Column)!,
        Vote2010Levels = Levels(parsed.GetValue(Vote2010Levels)!),
        LoggedInColumn = parsed.GetValue(LoggedInColumn)!,
    };

    private static IReadOnlyList<string>? Levels(string text)
    {
        if (text.Trim() == "any") return null;
        string[] levels = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (levels.Length == 0) throw new UsageException("--vote2010-levels names no level (give 'any' to accept any text).");
        return levels;
    }

    /// <summary>
    /// The dataset the options name, checked before any work: one dataset (pack, or nodes with edges), every file
    /// present, and the node options' own usage errors.
    /// </summary>
    public ExperimentInputs Experiment(ParseResult parsed)
    {
        var inputs = new ExperimentInputs
        {
            NodesPath = parsed.GetValue(Nodes),
            EdgesPath = parsed.GetValue(Edges),
            PackPath = parsed.GetValue(Pack),
            NodeOptions = NodeOptions(parsed),
            EdgeOptions = EdgeOptions(parsed),
        };
        try
        {
            inputs.Check();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return inputs;
    }

    public EdgeListOptions EdgeOptions(ParseResult parsed) => new()
    {
        SourceColumn = parsed.GetValue(SourceColumn)!,
        TargetColumn = parsed.GetValue(TargetColumn)!,
    };
}
