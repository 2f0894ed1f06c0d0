namespace GpuInference.Analysis;

/// <summary>
/// The names of the direct effects of the paper's Fig 2, used as JSON keys, with the words the Markdown report
/// puts beside them. Any other name is allowed (stratified estimates, for instance); it is shown as it is.
/// </summary>
public static class DirectEffectNames
{
    /// <summary>Turnout regressed on an indicator of both treatments, among those in both or neither.</summary>
    public const string BothVsNeither = "both_vs_neither";

    /// <summary>As <see cref="BothVsNeither"/>, adjusted for 2010 turnout (voted, abstained; unknown as baseline).</summary>
    public const string BothVsNeitherAdjusted = "both_vs_neither_adjusted";

    /// <summary>Both vs neither, post-stratified on 2010 turnout, strata weighted by size.</summary>
    public const string PostStratified = "post_stratified";

    /// <summary>Banner indicator in the 2×2 factorial regression on everyone, stratified by 2010 turnout.</summary>
    public const string FactorialBanner = "factorial_banner";

    /// <summary>Feed indicator in the 2×2 factorial regression on everyone, stratified by 2010 turnout.</summary>
    public const string FactorialFeed = "factorial_feed";

    /// <summary>The post-stratified effect rescaled by the share of the treated who logged in (Wald IV).</summary>
    public const string Late = "late";

    /// <summary>The name of the factorial coefficient of <paramref name="treatment"/> fitted within one vote2010 level.</summary>
    public static string FactorialWithin(string treatment, string level) => $"factorial_{treatment}_vote2010_{level}";

    private static bool TryParseFactorialWithin(string name, out string treatment, out string level)
    {
        foreach (string t in new[] { "banner", "feed" })
        {
            string prefix = $"factorial_{t}_vote2010_";
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                (treatment, level) = (t, name[prefix.Length..]);
                return true;
            }
        }
        (treatment, level) = ("", "");
        return false;
    }

    /// <summary>A short label for a table row; the name itself for names not listed here.</summary>
    public static string Label(string name) => name switch
    {
        _ when TryParseFactorialWithin(name, out string treatment, out string level) =>
            $"{(treatment == "banner" ? "Banner" : "Feed")} (factorial, 2010 turnout '{level}' only)",
        BothVsNeither => "Both vs neither",
        BothVsNeitherAdjusted => "Both vs neither, adjusted for 2010 turnout",
        PostStratified => "Both vs neither, post-stratified on 2010 turnout",
        FactorialBanner => "Banner (factorial, adjusted for 2010 turnout)",
        FactorialFeed => "Feed (factorial, adjusted for 2010 turnout)",
        _ when TryParseFactorialWithin(name, out _, out string level) =>
            $"The same factorial regression fitted only on people whose 2010 turnout is '{level}'.",
        Late => "Local average treatment effect (logged in)",
        _ => name,
    };

    /// <summary>A sentence saying what the estimate is, in plain words; null for names not listed here.</summary>
    public static string? Explanation(string name) => name switch
    {
        BothVsNeither =>
            "The difference in turnout between people who received both the banner and the feed treatment and people who " +
            "received neither, from a regression of turnout on one indicator; people with only one treatment are left out.",
        BothVsNeitherAdjusted =>
            "The same comparison with past turnout (voted or abstained in 2010, unknown as the baseline) added to the regression. " +
            "Past turnout predicts turnout strongly, so adjusting for it removes noise and narrows the interval without changing what is estimated.",
        PostStratified =>
            "Separate both-vs-neither differences within each 2010 turnout group (voted, abstained, unknown), averaged with weights " +
            "proportional to the size of each group. It guards against the very unequal arm sizes and against effects that differ by group.",
        FactorialBanner =>
            "The effect of the banner alone, from a regression on everyone with one indicator for the banner and one for the feed, " +
            "adjusted for 2010 turnout.",
        FactorialFeed =>
            "The effect of the feed stories alone, from the same factorial regression.",
        _ when TryParseFactorialWithin(name, out _, out string level) =>
            $"The same factorial regression fitted only on people whose 2010 turnout is '{level}'.",
        Late =>
            "The post-stratified effect divided by the share of treated people who logged in on election day (the Wald instrumental-variable " +
            "estimator): the effect on those who could have seen the message, comparable with the 2010 study.",
        _ => null,
    };
}
