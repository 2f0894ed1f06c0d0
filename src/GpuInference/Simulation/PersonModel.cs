using GpuInference.Data;

namespace GpuInference.Simulation;

/// <summary>A simulated person's own draws: cell, 2010 turnout group, login and whether their outcome is recorded.</summary>
internal readonly record struct PersonAttributes(TreatmentCell Cell, byte Vote2010, bool LoggedIn, bool IsUnit);

/// <summary>
/// The generative model of one person, as pure functions of (seed, person): attributes, close friends and turnout.
/// Nothing is stored per person, so a friend's cell is recomputed from the friend's index when it is needed.
/// </summary>
internal sealed class PersonModel
{
    private readonly ExperimentSimulationOptions _options;
    private readonly double _bothUpTo, _bannerUpTo, _feedUpTo;
    private readonly double[] _voteUpTo;
    private readonly double[] _baseTurnout;
    private readonly double[] _directEffect = new double[4];
    private readonly int _maxFriends;
    private readonly uint _window;

    public PersonModel(ExperimentSimulationOptions options)
    {
        options.Validate();
        _options = options;
        _bothUpTo = options.BothShare;
        _bannerUpTo = _bothUpTo + options.BannerOnlyShare;
        _feedUpTo = _bannerUpTo + options.FeedOnlyShare;
        _voteUpTo = new double[options.Vote2010Groups.Count];
        _baseTurnout = new double[options.Vote2010Groups.Count];
        double cumulative = 0;
        for (int g = 0; g < _voteUpTo.Length; g++)
        {
            cumulative += options.Vote2010Groups[g].Share;
            _voteUpTo[g] = cumulative;
            _baseTurnout[g] = options.Vote2010Groups[g].Turnout;
        }
        _voteUpTo[^1] = double.PositiveInfinity; // rounding must never leave a person without a group
        _directEffect[(int)TreatmentCell.Both] = options.BothEffect;
        _directEffect[(int)TreatmentCell.Banner] = options.BannerOnlyEffect;
        _directEffect[(int)TreatmentCell.Feed] = options.FeedOnlyEffect;
        _maxFriends = (int)Math.Min(options.MaxFriends, options.NodeCount - 1L);
        _window = (uint)Math.Max(1, Math.Min(options.LocalWindow, (options.NodeCount - 1) / 2));
    }

    /// <summary>The largest number of friends anyone can have; the size of the buffer for <see cref="DrawFriends"/>.</summary>
    public int MaxFriends => _maxFriends;

    /// <summary>A person's cell: the first word of their attribute stream against the cumulative cell shares.</summary>
    public TreatmentCell CellOf(int person) => CellFromWord(CounterRandom.FirstBlock(_options.Seed, person, StreamPurpose.Attributes).X0);

    private TreatmentCell CellFromWord(uint word)
    {
        double u = CounterRandom.Unit(word);
        if (u < _bothUpTo) return TreatmentCell.Both;
        if (u < _bannerUpTo) return TreatmentCell.Banner;
        if (u < _feedUpTo) return TreatmentCell.Feed;
        return TreatmentCell.Neither;
    }

    public PersonAttributes Attributes(int person)
    {
        var (x0, x1, x2, x3) = CounterRandom.FirstBlock(_options.Seed, person, StreamPurpose.Attributes);
        double v = CounterRandom.Unit(x1);
        byte group = 0;
        while (v >= _voteUpTo[group]) group++;
        bool loggedIn = CounterRandom.Unit(x2) < _options.LoggedInShare;
        bool isUnit = CounterRandom.Unit(x3) >= _options.UnmatchedShare;
        return new PersonAttributes(CellFromWord(x0), group, loggedIn, isUnit);
    }

    /// <summary>
    /// Writes the person's distinct close friends, sorted, into <paramref name="friends"/> and returns how many.
    /// The count is negative binomial (a Poisson whose mean is gamma-distributed), so some people name no one and
    /// a few name many; each friend is a neighbour in node order with probability LocalShare, else anyone.
    /// </summary>
    public int DrawFriends(int person, Span<int> friends)
    {
        if (_maxFriends <= 0) return 0;
        var rng = new CounterRandom(_options.Seed, person, StreamPurpose.Friends);
        int wanted = DrawDegree(ref rng);
        int n = _options.NodeCount;
        int count = 0;
        // A person near a tiny graph's size may not find enough distinct friends; give up after a bounded number of tries.
        for (int attempt = 0; count < wanted && attempt < 20 * wanted + 100; attempt++)
        {
            int friend;
            if (rng.NextDouble() < _options.LocalShare)
            {
                long offset = 1 + rng.NextBelow(_window);
                if ((rng.NextUInt32() & 1) == 0) offset = -offset;
                friend = (int)(((person + offset) % n + n) % n);
            }
            else
            {
                friend = (int)rng.NextBelow((uint)n);
            }
            if (friend == person || friends[..count].Contains(friend)) continue;
            friends[count++] = friend;
        }
        friends[..count].Sort();
        return count;
    }

    private int DrawDegree(ref CounterRandom rng)
    {
        int shape = _options.DegreeDispersion;
        double gamma = 0;
        for (int k = 0; k < shape; k++) gamma -= Math.Log(rng.NextOpenDouble());
        double mean = Math.Min(500, gamma * _options.MeanFriends / shape);
        // Poisson by inversion: the means here are small, so the walk up the CDF is short.
        double u = rng.NextDouble();
        double term = Math.Exp(-mean);
        double cdf = term;
        int degree = 0;
        while (u > cdf && degree < _maxFriends)
        {
            degree++;
            term *= mean / degree;
            cdf += term;
            if (term == 0 && degree > mean) break;
        }
        return Math.Min(degree, _maxFriends);
    }

    /// <summary>The model's turnout probability, clipped to [0, 1].</summary>
    public double TurnoutProbability(TreatmentCell cell, byte vote2010, int friendsWithBanner, int friendsWithFeed)
    {
        double p = _baseTurnout[vote2010] + _directEffect[(int)cell]
                   + _options.BannerSpillover * friendsWithBanner + _options.FeedSpillover * friendsWithFeed;
        return Math.Clamp(p, 0, 1);
    }

    /// <summary>Bernoulli(p) from the person's outcome stream.</summary>
    public bool DrawVote(int person, double probability) =>
        new CounterRandom(_options.Seed, person, StreamPurpose.Outcome).NextDouble() < probability;
}
