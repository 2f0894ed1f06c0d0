using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Estimation;

namespace GpuInference.Analysis;

/// <summary>
/// The paper's Fig 2: the effect of the message on the people who received it. Both treatments against neither
/// (the one-treatment cells left out), plain and adjusted for 2010 turnout, post-stratified on it; the factorial
/// model on the whole sample, pooled and within each 2010 level; and the Wald LATE when logins are known.
/// </summary>
public static class DirectEffects
{
    /// <summary>
    /// Every direct-effect model has only indicators of the four cells and of the vote2010 levels as regressors, so
    /// each is fitted from the count, outcome mean and centred sum of squares of the (cell × vote2010) groups,
    /// gathered in one pass over the units (<see cref="GroupedLeastSquares"/>): the same estimates and HC0–HC3
    /// standard errors as QR on all rows, in time independent of their number.
    /// </summary>
    public static IReadOnlyList<EffectEstimate> Estimate(NodeTable nodes, AnalysisOptions options)
    {
        var groups = CellGroups.Gather(nodes);
        var results = new List<EffectEstimate>();
        int baseline = Math.Max(0, Array.IndexOf(nodes.Vote2010Levels, options.Vote2010Baseline));
        int levels = groups.Levels;
        string[] dummies = Enumerable.Range(0, nodes.Vote2010Levels.Length).Where(l => l != baseline)
            .Select(l => "vote2010" + nodes.Vote2010Levels[l]).ToArray();
        double[] DummiesOf(int level) => Enumerable.Range(0, nodes.Vote2010Levels.Length).Where(l => l != baseline)
            .Select(l => l == level ? 1.0 : 0.0).ToArray();
        static double Flag(bool set) => set ? 1.0 : 0.0;

        // Both vs neither.
        long contrastCount = groups.CountOf(TreatmentCell.Both) + groups.CountOf(TreatmentCell.Neither);
        if (groups.CountOf(TreatmentCell.Both) == 0) throw new DegenerateSpilloverDesignException("empty cell: no analysis unit received both treatments.");
        if (groups.CountOf(TreatmentCell.Neither) == 0) throw new DegenerateSpilloverDesignException("empty cell: no analysis unit received neither.");
        static bool InContrast(TreatmentCell cell) => cell is TreatmentCell.Both or TreatmentCell.Neither;

        OlsResult plain = Fit(groups, nodes, options, "both-vs-neither", [DesignMatrix.InterceptName, "both"],
            (cell, _) => InContrast(cell) ? [1, Flag(cell == TreatmentCell.Both)] : null);
        results.Add(Effect(DirectEffectNames.BothVsNeither, plain, "both", contrastCount));

        OlsResult adjusted = Fit(groups, nodes, options, "both-vs-neither adjusted", [DesignMatrix.InterceptName, "both", .. dummies],
            (cell, level) => InContrast(cell) ? [1, Flag(cell == TreatmentCell.Both), .. DummiesOf(level)] : null);
        results.Add(Effect(DirectEffectNames.BothVsNeitherAdjusted, adjusted, "both", contrastCount,
            $"OLS from cell × vote2010 group sums, {options.Covariance} standard errors; '{nodes.Vote2010Levels[baseline]}' is the baseline of the vote2010 dummies"));

        var treatedArm = new ArmMoments[levels];
        var controlArm = new ArmMoments[levels];
        int strata = 0;
        for (int level = 0; level < levels; level++)
        {
            treatedArm[level] = groups.Moments(TreatmentCell.Both, level);
            controlArm[level] = groups.Moments(TreatmentCell.Neither, level);
            if (treatedArm[level].Count + controlArm[level].Count > 0) strata = level + 1;
        }
        Estimate post = PostStratification.Estimate(StratifiedArms.FromMoments(treatedArm[..strata], controlArm[..strata]));
        results.Add(From(DirectEffectNames.PostStratified, post, contrastCount, "post-stratified on vote2010 (Miratrix, Sekhon & Yu 2013)"));

        // Factorial: banner and feed indicators on the whole sample.
        long unitCount = 0;
        for (int level = 0; level < levels; level++) unitCount += groups.LevelCount(level);
        OlsResult factorialFit = Fit(groups, nodes, options, "factorial", [DesignMatrix.InterceptName, "banner", "feed", .. dummies],
            (cell, level) => [1, Flag(cell.HasFlag(TreatmentCell.Banner)), Flag(cell.HasFlag(TreatmentCell.Feed)), .. DummiesOf(level)]);
        results.Add(Effect(DirectEffectNames.FactorialBanner, factorialFit, "banner", unitCount));
        results.Add(Effect(DirectEffectNames.FactorialFeed, factorialFit, "feed", unitCount));
        results.AddRange(StratifiedFactorial(groups, nodes, options));

        if (nodes.LoggedIn is { } loggedIn)
        {
            results.Add(Late(nodes, loggedIn, contrastCount));
        }
        return results;
    }

    /// <summary>The LATE's inputs over the both-vs-neither units, in node order.</summary>
    private static EffectEstimate Late(NodeTable nodes, byte[] loggedIn, long contrastCount)
    {
        var y = new double[contrastCount];
        var treated = new bool[contrastCount];
        var received = new bool[contrastCount];
        var vote = new byte[contrastCount];
        int row = 0;
        for (int i = 0; i < nodes.Count; i++)
        {
            if (!nodes.IsUnit(i) || nodes.Cells[i] is not (TreatmentCell.Both or TreatmentCell.Neither)) continue;
            y[row] = nodes.Outcome[i];
            treated[row] = nodes.Cells[i] == TreatmentCell.Both;
            received[row] = treated[row] && loggedIn[i] == 1;
            vote[row] = nodes.Vote2010[i];
            row++;
        }
        return Late(y, treated, received, vote, contrastCount);
    }

    /// <summary>
    /// The LATE is an optional extra: when the logins cannot give it (nobody treated logged in, or a stratum too
    /// small for its variance), it is reported as not estimable, with the reason, and the rest of the report stands.
    /// </summary>
    private static EffectEstimate Late(double[] y, bool[] treated, bool[] received, byte[] vote, long n)
    {
        WaldIvResult iv;
        try
        {
            iv = WaldIv.Estimate<byte>(y, treated, received, vote);
        }
        catch (DegenerateDesignException e)
        {
            return EffectEstimate.NotEstimable(DirectEffectNames.Late, n, e.Message);
        }
        return From(DirectEffectNames.Late, iv.Late, n,
            $"post-stratified ITT / share of the treated who logged in ({iv.ComplianceRate.Value:P1}); delta-method SE");
    }

    /// <summary>Banner and feed within each vote2010 level, as in the paper's stratified models.</summary>
    private static IEnumerable<EffectEstimate> StratifiedFactorial(CellGroups groups, NodeTable nodes, AnalysisOptions options)
    {
        for (int level = 0; level < nodes.Vote2010Levels.Length; level++)
        {
            long count = groups.LevelCount(level);
            if (count < 10) continue;
            int only = level;
            OlsResult fit;
            try
            {
                fit = GroupedLeastSquares.Fit([DesignMatrix.InterceptName, "banner", "feed"], groups.Regressors(3,
                    (cell, l) => l == only ? [1, cell.HasFlag(TreatmentCell.Banner) ? 1 : 0, cell.HasFlag(TreatmentCell.Feed) ? 1 : 0] : null,
                    out ArmMoments[] included), included, options.Covariance, order: groups.FirstNode);
            }
            catch (DegenerateDesignException)
            {
                continue; // a level where everyone got the same cell says nothing on its own; the pooled model covers it
            }
            string name = nodes.Vote2010Levels[level];
            yield return Effect(DirectEffectNames.FactorialWithin("banner", name), fit, "banner", count);
            yield return Effect(DirectEffectNames.FactorialWithin("feed", name), fit, "feed", count);
        }
    }

    /// <summary>
    /// Fits a model over the (cell × vote2010) groups for which <paramref name="row"/> gives regressors; a group with
    /// leverage 1 (under HC2/HC3) is named as the first person in it, in the nodes file, rather than as a group of a
    /// design the user never saw.
    /// </summary>
    private static OlsResult Fit(
        CellGroups groups, NodeTable nodes, AnalysisOptions options, string model, string[] names, Func<TreatmentCell, int, double[]?> row)
    {
        double[] regressors = groups.Regressors(names.Length, row, out ArmMoments[] included);
        try
        {
            return GroupedLeastSquares.Fit(names, regressors, included, options.Covariance, order: groups.FirstNode);
        }
        catch (DegenerateDesignException e) when (e.Observation is int group)
        {
            int node = groups.FirstNode[group];
            string id = nodes.Ids?.GetId(node) ?? node.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int level = nodes.Vote2010[node];
            string levelName = nodes.Vote2010Levels.Length > 0 ? nodes.Vote2010Levels[level] : "";
            long sameLevel = 0;
            for (int g = 0; g < included.Length; g++) sameLevel += g % groups.Levels == level ? included[g].Count : 0;
            string why = sameLevel == 1 ? $": they are the only analysis unit in it with vote2010 '{levelName}'" : "";
            throw new DegenerateDesignException(e.Column,
                $"{Where(nodes, node)}person '{id}' has leverage 1 in the {model} model{why}, so {options.Covariance} standard errors are undefined")
            {
                Observation = node,
            };
        }
    }

    /// <summary><c>path:line: </c> of a node's row (<c>path: row group g, row r: </c> in a Parquet file) when its nodes file is at hand, else the file alone.</summary>
    private static string Where(NodeTable nodes, int node)
    {
        if (string.IsNullOrEmpty(nodes.Source)) return "";
        try
        {
            using var source = RecordFile.Open(nodes.Source);
            return source is ParquetRecordSource ? $"{nodes.Source}: {source.Where(node)}: " : $"{nodes.Source}:{source.MarkOf(node)}: ";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            return $"{nodes.Source}: "; // a pack's source file may have moved since it was packed
        }
    }

    private static EffectEstimate Effect(string name, OlsResult fit, string coefficient, long n, string? note = null) =>
        From(name, fit.Estimate(coefficient), n, note ?? $"OLS from cell × vote2010 group sums, {fit.CovarianceType} standard errors");

    private static EffectEstimate From(string name, Estimate e, long n, string? note) =>
        new(name, e.Value, e.StandardError, e.CiLow, e.CiHigh, e.P, n, note);
}

/// <summary>
/// The outcome's moments in each (cell × vote2010) group of analysis units, group = cell · levels + level, and the
/// first node of each: everything the direct-effect models need, from one pass over the nodes.
/// </summary>
internal sealed class CellGroups
{
    private readonly ArmMoments[] _moments;

    private CellGroups(ArmMoments[] moments, int[] firstNode, int levels)
    {
        _moments = moments;
        FirstNode = firstNode;
        Levels = levels;
    }

    /// <summary>The number of vote2010 levels (at least one).</summary>
    public int Levels { get; }

    /// <summary>The first node of each group, −1 for an empty one.</summary>
    public int[] FirstNode { get; }

    public static CellGroups Gather(NodeTable nodes)
    {
        int levels = Math.Max(1, nodes.Vote2010Levels.Length);
        var code = new int[nodes.Count];
        for (int i = 0; i < code.Length; i++)
            code[i] = nodes.IsUnit(i) ? (int)nodes.Cells[i] * levels + nodes.Vote2010[i] : -1;
        ArmMoments[] moments = GroupMoments.Of(nodes.Outcome, code, 4 * levels, out int[] firstNode);
        return new CellGroups(moments, firstNode, levels);
    }

    public ArmMoments Moments(TreatmentCell cell, int level) => _moments[(int)cell * Levels + level];

    public long CountOf(TreatmentCell cell)
    {
        long count = 0;
        for (int level = 0; level < Levels; level++) count += Moments(cell, level).Count;
        return count;
    }

    public long LevelCount(int level)
    {
        long count = 0;
        for (int cell = 0; cell < 4; cell++) count += Moments((TreatmentCell)cell, level).Count;
        return count;
    }

    /// <summary>
    /// The groups' regressors, row-major with <paramref name="k"/> per group, from <paramref name="row"/>(cell, level);
    /// <paramref name="included"/> holds the moments of the groups it gives regressors for, and empty moments elsewhere.
    /// </summary>
    public double[] Regressors(int k, Func<TreatmentCell, int, double[]?> row, out ArmMoments[] included)
    {
        var regressors = new double[_moments.Length * k];
        included = new ArmMoments[_moments.Length];
        for (int g = 0; g < _moments.Length; g++)
        {
            if (_moments[g].Count == 0) continue;
            double[]? x = row((TreatmentCell)(g / Levels), g % Levels);
            if (x is null) continue;
            if (x.Length != k) throw new ArgumentException($"{x.Length} regressors for a model of {k}", nameof(row));
            x.CopyTo(regressors, g * k);
            included[g] = _moments[g];
        }
        return regressors;
    }
}
