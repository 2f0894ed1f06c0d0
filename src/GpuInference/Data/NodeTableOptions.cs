namespace GpuInference.Data;

/// <summary>
/// Column names of the nodes CSV. Defaults follow the paper's data: <c>id,voted,banner,feed,vote2010</c> and an
/// optional <c>logged_in</c>. Names are matched exactly (case-sensitive) after trimming spaces; other columns are ignored.
/// </summary>
public sealed record NodeTableOptions
{
    /// <summary>Node id: any text; canonical integers take a faster path.</summary>
    public string IdColumn { get; init; } = "id";

    /// <summary>Outcome (0/1 or real). An empty cell keeps the node in the graph but out of the analysis (NaN).</summary>
    public string OutcomeColumn { get; init; } = "voted";

    /// <summary>Banner treatment, 0 or 1.</summary>
    public string BannerColumn { get; init; } = "banner";

    /// <summary>Feed treatment, 0 or 1.</summary>
    public string FeedColumn { get; init; } = "feed";

    /// <summary>Categorical 2010 turnout (the paper's levels: voted, abstained, unknown), kept as levels.</summary>
    public string Vote2010Column { get; init; } = "vote2010";

    /// <summary>
    /// The levels <see cref="Vote2010Column"/> may hold, matched exactly after trimming spaces. A misspelt level
    /// would otherwise become a stratum of its own, often of one person, and fail far from its cause; a blank cell is
    /// always an error. Null accepts any non-blank text.
    /// </summary>
    public IReadOnlyList<string>? Vote2010Levels { get; init; } = PaperVote2010Levels;

    /// <summary>The paper's levels of 2010 turnout.</summary>
    public static readonly IReadOnlyList<string> PaperVote2010Levels = ["voted", "abstained", "unknown"];

    /// <summary>
    /// The largest magnitude an outcome may have. Turnout is 0/1 and other outcomes are counts or amounts; a value
    /// beyond this is a unit or parsing mistake (1e80), and its square would swamp every other row in the sums.
    /// </summary>
    public const double MaxOutcomeMagnitude = 1e12;

    /// <summary>Optional 0/1 column; read when present in the header, else <see cref="NodeTable.LoggedIn"/> is null.</summary>
    public string LoggedInColumn { get; init; } = "logged_in";
}
