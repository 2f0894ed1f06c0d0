namespace GpuInference.Simulation;

/// <summary>
/// Settings of the simulated 2012 get-out-the-vote experiment. Defaults follow Jones et al. (2017): 15,060,897
/// people; 96% banner+feed, 2% banner only, 1% feed only, 1% neither; about five close friends each; a direct
/// effect of +0.0024 for banner+feed against neither and spillovers of +0.0010 per close friend shown the banner and
/// +0.0001 per close friend shown the feed. The paper reports no separate effects for the single-treatment cells; the
/// defaults split the direct effect as banner only +0.0012 and feed only +0.0010, an assumption of this simulator.
/// <para>
/// A person's turnout probability is base(vote2010) + direct(cell) + BannerSpillover·(friends with the banner) +
/// FeedSpillover·(friends with the feed), clipped to [0, 1]; "with the banner" means banner only or both, and
/// likewise for the feed. logged_in is written as a covariate and does not change the outcome.
/// </para>
/// </summary>
public sealed record ExperimentSimulationOptions
{
    /// <summary>People in the 2012 experiment's matched sample.</summary>
    public const int PaperNodeCount = 15_060_897;

    /// <summary>Number of people (nodes).</summary>
    public int NodeCount { get; init; } = PaperNodeCount;

    /// <summary>Seed: every value in the output is a pure function of (seed, person), whatever the thread count.</summary>
    public ulong Seed { get; init; } = 2012;

    /// <summary>Share assigned banner and feed.</summary>
    public double BothShare { get; init; } = 0.96;

    /// <summary>Share assigned the banner only.</summary>
    public double BannerOnlyShare { get; init; } = 0.02;

    /// <summary>Share assigned the feed only. The rest (1% by default) get neither.</summary>
    public double FeedOnlyShare { get; init; } = 0.01;

    /// <summary>Direct effect of banner+feed on one's own turnout, against neither.</summary>
    public double BothEffect { get; init; } = 0.0024;

    /// <summary>Direct effect of the banner alone.</summary>
    public double BannerOnlyEffect { get; init; } = 0.0012;

    /// <summary>Direct effect of the feed alone.</summary>
    public double FeedOnlyEffect { get; init; } = 0.0010;

    /// <summary>Added turnout per close friend who was shown the banner.</summary>
    public double BannerSpillover { get; init; } = 0.0010;

    /// <summary>Added turnout per close friend who was shown the feed.</summary>
    public double FeedSpillover { get; init; } = 0.0001;

    /// <summary>
    /// The vote2010 levels. Defaults (55% voted at 0.89, 25% abstained at 0.44, 20% unknown at 0.69) give a base
    /// turnout of 0.7375, about 0.745 with treatment effects, near the paper's validated turnout.
    /// </summary>
    public IReadOnlyList<Vote2010Group> Vote2010Groups { get; init; } =
    [
        new("voted", 0.55, 0.89),
        new("abstained", 0.25, 0.44),
        new("unknown", 0.20, 0.69),
    ];

    /// <summary>Mean number of close friends named per person.</summary>
    public double MeanFriends { get; init; } = 5.0;

    /// <summary>
    /// Shape of the gamma mixing the Poisson friend count (a negative binomial degree): smaller means more people
    /// with none and a longer tail. With 2 and mean 5, about 8% name no one and 2% name 17 or more.
    /// </summary>
    public int DegreeDispersion { get; init; } = 2;

    /// <summary>Friend counts are cut here, as the site's close-friend lists were.</summary>
    public int MaxFriends { get; init; } = 200;

    /// <summary>
    /// Share of friends drawn from the person's neighbourhood (the <see cref="LocalWindow"/> people on either side
    /// in node order) rather than from everyone: neighbourhoods overlap, which gives triangles (clustering).
    /// </summary>
    public double LocalShare { get; init; } = 0.8;

    /// <summary>Half-width of the neighbourhood, in nodes.</summary>
    public int LocalWindow { get; init; } = 25;

    /// <summary>Write the logged_in column.</summary>
    public bool IncludeLoggedIn { get; init; } = true;

    /// <summary>Share who logged in on election day (10.2M of 15.1M in the paper).</summary>
    public double LoggedInShare { get; init; } = 0.677;

    /// <summary>Share whose outcome is left empty (in the graph, not an analysis unit), as for unmatched voter records.</summary>
    public double UnmatchedShare { get; init; }

    /// <summary>Gzip both output files.</summary>
    public bool Gzip { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        static void Share(double value, string name)
        {
            if (!(value >= 0 && value <= 1)) throw new ArgumentException($"{name} must be in [0, 1], got {value}.", name);
        }
        if (NodeCount < 1) throw new ArgumentException("NodeCount must be at least 1.", nameof(NodeCount));
        Share(BothShare, nameof(BothShare));
        Share(BannerOnlyShare, nameof(BannerOnlyShare));
        Share(FeedOnlyShare, nameof(FeedOnlyShare));
        if (BothShare + BannerOnlyShare + FeedOnlyShare > 1 + 1e-12) throw new ArgumentException("cell shares add to more than 1.", nameof(FeedOnlyShare));
        if (Vote2010Groups.Count is < 1 or > 256) throw new ArgumentException("between 1 and 256 vote2010 groups.", nameof(Vote2010Groups));
        foreach (var group in Vote2010Groups)
        {
            Share(group.Share, nameof(Vote2010Groups));
            Share(group.Turnout, nameof(Vote2010Groups));
            if (string.IsNullOrEmpty(group.Name) || group.Name.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                throw new ArgumentException($"vote2010 name '{group.Name}' must be non-empty plain text.", nameof(Vote2010Groups));
        }
        if (Math.Abs(Vote2010Groups.Sum(g => g.Share) - 1) > 1e-9) throw new ArgumentException("vote2010 shares must add to 1.", nameof(Vote2010Groups));
        if (!(MeanFriends >= 0 && MeanFriends <= 1000)) throw new ArgumentException("MeanFriends must be in [0, 1000].", nameof(MeanFriends));
        if (DegreeDispersion is < 1 or > 64) throw new ArgumentException("DegreeDispersion must be in 1..64.", nameof(DegreeDispersion));
        if (MaxFriends < 0) throw new ArgumentException("MaxFriends must be non-negative.", nameof(MaxFriends));
        Share(LocalShare, nameof(LocalShare));
        if (LocalWindow < 1) throw new ArgumentException("LocalWindow must be at least 1.", nameof(LocalWindow));
        Share(LoggedInShare, nameof(LoggedInShare));
        Share(UnmatchedShare, nameof(UnmatchedShare));
    }
}
