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
    public static IReadOnlyList<EffectEstimate> Estimate(NodeTable nodes, AnalysisOptions options)
    {
        var units = Enumerable.Range(0, nodes.Count).Where(nodes.IsUnit).ToArray();
        var results = new List<EffectEstimate>();
        int baseline = Math.Max(0, Array.IndexOf(nodes.Vote2010Levels, options.Vote2010Baseline));

        // Both vs neither.
        int[] contrast = units.Where(i => nodes.Cells[i] is TreatmentCell.Both or TreatmentCell.Neither).ToArray();
        double[] y = contrast.Select(i => nodes.Outcome[i]).ToArray();
        double[] both = contrast.Select(i => nodes.Cells[i] == TreatmentCell.Both ? 1.0 : 0.0).ToArray();
        byte[] vote = contrast.Select(i => nodes.Vote2010[i]).ToArray();
        RequireBothArms(both, "both treatments", "neither");

        var plain = new DesignMatrix(contrast.Length).AddIntercept().AddColumn("both", both);
        results.Add(Effect(DirectEffectNames.BothVsNeither, OrdinaryLeastSquares.Fit(plain, y, options.Covariance), "both", contrast.Length));

        var adjusted = new DesignMatrix(contrast.Length).AddIntercept().AddColumn("both", both)
            .AddDummies("vote2010", vote.AsSpan(), nodes.Vote2010Levels, baseline);
        results.Add(Effect(DirectEffectNames.BothVsNeitherAdjusted, Fit(adjusted, y, options, nodes, contrast, "both-vs-neither adjusted"), "both", contrast.Length,
            $"OLS, {options.Covariance} standard errors; '{nodes.Vote2010Levels[baseline]}' is the baseline of the vote2010 dummies"));

        bool[] treated = both.Select(v => v == 1).ToArray();
        Estimate post = PostStratification.Estimate<byte>(y, treated, vote);
        results.Add(From(DirectEffectNames.PostStratified, post, contrast.Length, "post-stratified on vote2010 (Miratrix, Sekhon & Yu 2013)"));

        // Factorial: banner and feed indicators on the whole sample.
        double[] yAll = units.Select(i => nodes.Outcome[i]).ToArray();
        double[] banner = units.Select(i => nodes.Cells[i].HasFlag(TreatmentCell.Banner) ? 1.0 : 0.0).ToArray();
        double[] feed = units.Select(i => nodes.Cells[i].HasFlag(TreatmentCell.Feed) ? 1.0 : 0.0).ToArray();
        byte[] voteAll = units.Select(i => nodes.Vote2010[i]).ToArray();
        var factorial = new DesignMatrix(units.Length).AddIntercept().AddColumn("banner", banner).AddColumn("feed", feed)
            .AddDummies("vote2010", voteAll.AsSpan(), nodes.Vote2010Levels, baseline);
        OlsResult factorialFit = Fit(factorial, yAll, options, nodes, units, "factorial");
        results.Add(Effect(DirectEffectNames.FactorialBanner, factorialFit, "banner", units.Length));
        results.Add(Effect(DirectEffectNames.FactorialFeed, factorialFit, "feed", units.Length));
        results.AddRange(StratifiedFactorial(nodes, units, yAll, banner, feed, voteAll, options));

        if (nodes.LoggedIn is { } loggedIn)
        {
            bool[] received = contrast.Select(i => nodes.Cells[i] == TreatmentCell.Both && loggedIn[i] == 1).ToArray();
            results.Add(Late(y, treated, received, vote, contrast.Length));
        }
        return results;
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
    private static IEnumerable<EffectEstimate> StratifiedFactorial(
        NodeTable nodes, int[] units, double[] y, double[] banner, double[] feed, byte[] vote, AnalysisOptions options)
    {
        for (int level = 0; level < nodes.Vote2010Levels.Length; level++)
        {
            int[] rows = Enumerable.Range(0, units.Length).Where(r => vote[r] == level).ToArray();
            if (rows.Length < 10) continue;
            var x = new DesignMatrix(rows.Length).AddIntercept()
                .AddColumn("banner", rows.Select(r => banner[r]).ToArray()).AddColumn("feed", rows.Select(r => feed[r]).ToArray());
            OlsResult fit;
            try
            {
                fit = OrdinaryLeastSquares.Fit(x, rows.Select(r => y[r]).ToArray(), options.Covariance);
            }
            catch (DegenerateDesignException)
            {
                continue; // a level where everyone got the same cell says nothing on its own; the pooled model covers it
            }
            string name = nodes.Vote2010Levels[level];
            yield return Effect(DirectEffectNames.FactorialWithin("banner", name), fit, "banner", rows.Length);
            yield return Effect(DirectEffectNames.FactorialWithin("feed", name), fit, "feed", rows.Length);
        }
    }

    /// <summary>
    /// Fits a model over the nodes <paramref name="rows"/>; a row with leverage 1 (under HC2/HC3) is named as the
    /// person it is, in the nodes file, rather than as a row of a design the user never saw.
    /// </summary>
    private static OlsResult Fit(DesignMatrix design, double[] y, AnalysisOptions options, NodeTable nodes, int[] rows, string model)
    {
        try
        {
            return OrdinaryLeastSquares.Fit(design, y, options.Covariance);
        }
        catch (DegenerateDesignException e) when (e.Observation is int row)
        {
            int node = rows[row];
            string id = nodes.Ids?.GetId(node) ?? node.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string level = nodes.Vote2010Levels.Length > 0 ? nodes.Vote2010Levels[nodes.Vote2010[node]] : "";
            int sameLevel = rows.Count(r => nodes.Vote2010[r] == nodes.Vote2010[node]);
            string why = sameLevel == 1 ? $": they are the only analysis unit in it with vote2010 '{level}'" : "";
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

    private static void RequireBothArms(double[] indicator, string treatedName, string controlName)
    {
        if (!indicator.Contains(1.0)) throw new DegenerateSpilloverDesignException($"empty cell: no analysis unit received {treatedName}.");
        if (!indicator.Contains(0.0)) throw new DegenerateSpilloverDesignException($"empty cell: no analysis unit received {controlName}.");
    }

    private static EffectEstimate Effect(string name, OlsResult fit, string coefficient, long n, string? note = null) =>
        From(name, fit.Estimate(coefficient), n, note ?? $"OLS, {fit.CovarianceType} standard errors");

    private static EffectEstimate From(string name, Estimate e, long n, string? note) =>
        new(name, e.Value, e.StandardError, e.CiLow, e.CiHigh, e.P, n, note);
}
