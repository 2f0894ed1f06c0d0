using System.Globalization;
using System.Text;
using GpuInference.Inference;
using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>
/// Writes report.html: the whole report as one page that opens anywhere, a phone included. It holds what report.md
/// holds (the run, every table, the notes) with the null-distribution plots drawn inline, and nothing that would be
/// fetched: no script, no font, no image file, no URL. Numbers come from the <see cref="AnalysisReport"/> only and are
/// formatted as in report.md, so the two never disagree.
/// </summary>
public static class HtmlReportWriter
{
    private const string Title = "Direct and spillover effects of the get-out-the-vote message";

    private static readonly (string, bool)[] EffectColumns =
        [("Estimate", false), ("Effect", true), ("95% CI", true), ("SE", true), ("p", true), ("N", true)];

    /// <summary>Writes the report to <paramref name="path"/>, replacing it.</summary>
    public static void WriteFile(AnalysisReport report, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Write(report, writer);
    }

    /// <summary>The report as an HTML document, with one plot per spillover statistic.</summary>
    public static string ToHtml(AnalysisReport report) => ToHtml(report, NullPlot.For(report.Spillover));

    /// <summary>The report as an HTML document, with <paramref name="plots"/> drawn in the permutation section.</summary>
    public static string ToHtml(AnalysisReport report, IReadOnlyList<NullPlot> plots)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(plots);
        var html = new HtmlBuilder().Begin(Title);
        RunLine(html, report.Metadata);

        var direct = report.Direct.Where(e => Group(e.Name) == EffectGroup.Direct).ToList();
        var factorial = report.Direct.Where(e => Group(e.Name) == EffectGroup.Factorial).ToList();
        var late = report.Direct.Where(e => Group(e.Name) == EffectGroup.Late).ToList();
        List<string> notes = Notes(report).ToList();

        var sections = new List<(string, string)>();
        if (direct.Count > 0) sections.Add(("direct", "Direct effects"));
        if (factorial.Count > 0) sections.Add(("factorial", "Factorial"));
        if (late.Count > 0) sections.Add(("late", "LATE"));
        if (report.Spillover.Count > 0) sections.Add(("spillover", "Spillover"));
        if (report.Totals is not null) sections.Add(("totals", "People mobilised"));
        if (notes.Count > 0) sections.Add(("notes", "Notes"));
        sections.Add(("run", "Run"));
        html.Navigation(sections);

        Effects(html, "direct", "Direct effects", "Both treatments against neither", direct);
        Effects(html, "factorial", "Factorial", "Banner and feed indicators in one regression", factorial);
        Effects(html, "late", "Local average treatment effect", "Effect on those who logged in (Wald IV)", late);
        if (direct.Count + factorial.Count + late.Count > 0)
        {
            html.Paragraph("The 95% confidence interval is the range of effects compatible with the data at the 5% level; " +
                "p is the probability of an estimate at least this far from zero if the message had no effect.", "lede");
        }
        Spillover(html, report.Spillover, plots, report.Metadata);
        if (report.Totals is { } totals) TotalsSection(html, totals);
        if (notes.Count > 0)
        {
            html.Section("notes", "Notes").List(notes, "notes");
        }
        Run(html, report);

        RunMetadata m = report.Metadata;
        string footer = "GpuInference" + (string.IsNullOrEmpty(m.Version) ? "" : " " + m.Version)
            + (m.CreatedAt is { } created ? ", " + created.ToString("u", CultureInfo.InvariantCulture) : "")
            + $". The same numbers at full precision: {ReportFiles.Json}; every permutation: {ReportFiles.NullCsv}.";
        return html.End(footer).ToString();
    }

    /// <summary>Writes the report as HTML to <paramref name="writer"/>.</summary>
    public static void Write(AnalysisReport report, TextWriter writer) => writer.Write(ToHtml(report));

    private enum EffectGroup { Direct, Factorial, Late }

    private static EffectGroup Group(string name) =>
        name == DirectEffectNames.Late ? EffectGroup.Late
        : name.StartsWith("factorial_", StringComparison.Ordinal) ? EffectGroup.Factorial
        : EffectGroup.Direct;

    private static void RunLine(HtmlBuilder html, RunMetadata meta)
    {
        html.Paragraph($"{ReportFormat.Count(meta.Units)} people, {ReportFormat.Count(meta.Edges)} close-friend ties, " +
            $"{ReportFormat.Count(meta.Permutations)} permutations (seed {meta.Seed}) on the {meta.Backend} backend" +
            (string.IsNullOrEmpty(meta.Device) ? "" : $" ({meta.Device})") + ".", "lede");
        html.Paragraph("Effects are changes in the probability of voting, in percentage points: +0.24% means 24 more voters per 10,000 people.", "lede");
    }

    private static void Effects(HtmlBuilder html, string id, string heading, string caption, IReadOnlyList<EffectEstimate> effects)
    {
        if (effects.Count == 0) return;
        html.Section(id, heading);
        // An estimate's note says how it was made or why it is missing: a column of its own, where any estimate has one.
        bool notes = effects.Any(e => e.Note is not null);
        IReadOnlyList<(string, bool)> columns = notes ? [.. EffectColumns, ("Note", false)] : EffectColumns;
        html.Table(caption, columns, effects.Select(e => notes ? (IReadOnlyList<string>)[.. EffectRow(e), e.Note ?? ""] : EffectRow(e)), id + "-table");
        html.FoldedList("What these estimates are", effects.Select(Explanation).OfType<string>());
    }

    // An estimate that could not be made (NaN) says so in words rather than as "n/a" in every column.
    private static IReadOnlyList<string> EffectRow(EffectEstimate e)
    {
        string label = DirectEffectNames.Label(e.Name);
        if (!double.IsFinite(e.Estimate)) return [label, "not estimable", "", "", "", ReportFormat.Count(e.N)];
        string ci = double.IsNaN(e.CiLow) && double.IsNaN(e.CiHigh) ? "n/a" : $"[{ReportFormat.Percent(e.CiLow)}, {ReportFormat.Percent(e.CiHigh)}]";
        return [label, ReportFormat.Percent(e.Estimate), ci, ReportFormat.Percent(e.StandardError, signed: false), ReportFormat.P(e.P), ReportFormat.Count(e.N)];
    }

    private static string? Explanation(EffectEstimate e) =>
        DirectEffectNames.Explanation(e.Name) is { } explanation ? $"{DirectEffectNames.Label(e.Name)}: {explanation}" : null;

    private static void Spillover(HtmlBuilder html, IReadOnlyList<SpilloverStatistic> statistics, IReadOnlyList<NullPlot> plots, RunMetadata meta)
    {
        if (statistics.Count == 0 && plots.Count == 0) return;
        html.Section("spillover", "Spillover to close friends");
        html.Paragraph("Each coefficient is the change in a person's probability of voting for each additional close friend who received the " +
            "treatment, from a regression of turnout on the number of close friends in the banner and in the feed condition and on " +
            "the person's own treatment, within strata of number of close friends and 2010 turnout.");
        html.Paragraph("The permutation test: if the treatment of one's friends had no effect, which people were treated would not matter for " +
            "anyone's turnout. So the friendship network and every outcome stay as they are, the treatments are reassigned at random " +
            $"(the same cells, shuffled among all {ReportFormat.Count(meta.Nodes)} people) and the same regression is fitted again, " +
            $"{ReportFormat.Count(meta.Permutations)} times. The p-value is the share of reassignments giving a coefficient at least as large " +
            "in absolute value as the observed one, counting the observed assignment itself: p = (1 + count) / (1 + B). Its Monte Carlo " +
            "interval (Clopper–Pearson, 95%) says how much that share could move with another set of reassignments. Null quantiles use " +
            "R's default definition (type 7).");

        if (statistics.Count > 0)
        {
            html.Table("Observed coefficients and their null distributions",
                [("Treatment", false), ("Observed", true), ("Model SE", true), ("Permutation SD", true), ("Null 95% range", true), ("Null 99% range", true)],
                statistics.Select(s => (IReadOnlyList<string>)
                [
                    s.Name, ReportFormat.Percent(s.Estimate), ReportFormat.Percent(s.StandardError, signed: false),
                    ReportFormat.Percent(s.Null.StandardDeviation, signed: false),
                    $"[{ReportFormat.Percent(s.Null.Q025)}, {ReportFormat.Percent(s.Null.Q975)}]",
                    $"[{ReportFormat.Percent(s.Null.Q005)}, {ReportFormat.Percent(s.Null.Q995)}]",
                ]), "null-table");
            html.Table("Permutation p-values",
                [("Treatment", false), ("p two-sided", true), ("Monte Carlo 95% CI of p", true), ("p greater", true), ("p less", true), ("Valid B", true)],
                statistics.Select(s => (IReadOnlyList<string>)
                [
                    s.Name, ReportFormat.P(s.Null.TwoSided.Value), Interval(s.Null.TwoSided), ReportFormat.P(s.Null.Greater.Value),
                    ReportFormat.P(s.Null.Less.Value), ReportFormat.Count(s.Null.Permutations),
                ]), "p-table");
            html.List(statistics.Select(s =>
            {
                NullDistribution n = s.Null;
                string text = $"{Capitalised(s.Name)}: the observed {ReportFormat.Percent(s.Estimate)} per close friend {NullVerdict.Describe(s.Estimate, n)}; " +
                    $"{ReportFormat.Count(n.TwoSided.Count)} of {ReportFormat.Count(n.Permutations)} reassignments were at least as extreme " +
                    $"(two-sided p = {ReportFormat.P(n.TwoSided.Value)}).";
                if (n.NaNCount > 0)
                    text += $" {ReportFormat.Count(n.NaNCount, "reassignment", "reassignments")} gave a degenerate fit and {(n.NaNCount == 1 ? "is" : "are")} left out.";
                return text;
            }));
        }

        foreach (NullPlot plot in plots)
        {
            html.Figure("plot-" + plot.Name, plot.ToSvg(),
                $"Null distribution of the {plot.Name} coefficient over {ReportFormat.Count(plot.Null.Permutations)} valid reassignments (gray), " +
                "the observed value (red) and the 0.5% and 99.5% null quantiles (dashed). Also saved as " + plot.FileName + ".");
        }
        html.ParagraphWithLinks(("Every reassignment's coefficients are in ", null), (ReportFiles.NullCsv, ReportFiles.NullCsv),
            ("; all numbers at full precision are in ", null), (ReportFiles.Json, ReportFiles.Json), (".", null));
    }

    private static void TotalsSection(HtmlBuilder html, Totals t)
    {
        html.Section("totals", "People mobilised");
        html.Paragraph("As in the paper, per-person effects become head counts by multiplying by the treated people who could be matched to " +
            "voter records and dividing by the share of all registered voters that matching covered; people whose records could not " +
            "be matched are assumed unaffected there.");
        string treated = ReportFormat.Count(t.TreatedMatched);
        string fraction = ReportFormat.Number(t.MatchFraction);
        IReadOnlyList<string>[] rows =
        [
            ["Directly mobilised", $"{ReportFormat.Number(t.AverageTreatmentEffect)} × {treated} / {fraction}", ReportFormat.Count(t.Direct)],
            ["Friends mobilised", $"{ReportFormat.Number(t.PerFriendEffect)} × {ReportFormat.Number(t.MeanCloseFriends)} × {treated} / {fraction}", ReportFormat.Count(t.Indirect)],
            ["Total", "direct + friends", ReportFormat.Count(t.Total)],
            ["Multiplier", $"{ReportFormat.Number(t.MeanCloseFriends)} × {ReportFormat.Number(t.PerFriendEffect)} / {ReportFormat.Number(t.AverageTreatmentEffect)}", ReportFormat.Number(t.Multiplier)],
        ];
        html.Table("Totals", [("Quantity", false), ("Arithmetic", false), ("Value", true)], rows, "totals-table");
        html.Paragraph($"For every person the message moved to vote directly, about {ReportFormat.Number(t.Multiplier)} close friends were moved " +
            $"through them; friends account for {ReportFormat.Percent(t.IndirectShare, decimals: 0, signed: false)} of the total.");
    }

    /// <summary>
    /// What the run did to the data that a reader should know, one sentence per list item. Any further note the
    /// analysis makes is one more sentence here.
    /// </summary>
    private static IEnumerable<string> Notes(AnalysisReport report)
    {
        RunMetadata m = report.Metadata;
        if (m.SelfLoopsDropped > 0 || m.DuplicatesDropped > 0)
        {
            yield return $"{ReportFormat.Count(m.SelfLoopsDropped, "self-loop", "self-loops")} and " +
                $"{ReportFormat.Count(m.DuplicatesDropped, "repeated tie", "repeated ties")} were dropped from the edge list.";
        }
        if (report.NaNPermutations > 0)
        {
            yield return $"{ReportFormat.Count(report.NaNPermutations, "reassignment", "reassignments")} of {ReportFormat.Count(m.Permutations)} " +
                $"gave a degenerate fit (no variation left to estimate from) and {(report.NaNPermutations == 1 ? "is" : "are")} left out of the null distributions.";
        }
    }

    private static void Run(HtmlBuilder html, AnalysisReport report)
    {
        RunMetadata m = report.Metadata;
        html.Section("run", "Run");
        var rows = new List<(string, string)>
        {
            ("Units (people with an outcome)", ReportFormat.Count(m.Units)),
            ("Nodes", ReportFormat.Count(m.Nodes)),
            ("Close-friend ties", ReportFormat.Count(m.Edges)),
            ("Self-loops / duplicate ties dropped", $"{ReportFormat.Count(m.SelfLoopsDropped)} / {ReportFormat.Count(m.DuplicatesDropped)}"),
            ("Permutations (degenerate)", $"{ReportFormat.Count(m.Permutations)} ({ReportFormat.Count(report.NaNPermutations)})"),
            ("Seed", m.Seed.ToString(CultureInfo.InvariantCulture)),
            ("Backend", m.Backend + (string.IsNullOrEmpty(m.Device) ? "" : ", " + m.Device)),
        };
        if (m.Threads > 0) rows.Add(("Host threads", m.Threads.ToString(CultureInfo.InvariantCulture)));
        foreach (var (role, path) in m.InputPaths) rows.Add(($"Input: {role}", path));
        if (!string.IsNullOrEmpty(m.Version)) rows.Add(("Version", m.Version));
        if (m.CreatedAt is { } created) rows.Add(("Finished", created.ToString("u", CultureInfo.InvariantCulture)));
        html.KeyValueTable("Inputs, sizes and settings", rows, "run-table");

        if (m.Timings.Count > 0)
        {
            double total = m.Timings.Sum(t => t.Elapsed.TotalSeconds);
            html.Table("Phase timings (wall clock)", [("Phase", false), ("Time", true), ("Share", true)],
                m.Timings.Select(t => (IReadOnlyList<string>)
                [
                    t.Phase, ReportFormat.Duration(t.Elapsed),
                    total > 0 ? ReportFormat.Percent(t.Elapsed.TotalSeconds / total, decimals: 0, signed: false) : "n/a",
                ]), "timings-table");
        }
        if (m.BackendNotes.Count > 0)
        {
            html.Subheading("Backend notes").List(m.BackendNotes, "notes");
        }
    }

    private static string Interval(PValue p) =>
        double.IsNaN(p.Interval.Low) ? "n/a" : $"[{ReportFormat.P(p.Interval.Low)}, {ReportFormat.P(p.Interval.High)}]";

    private static string Capitalised(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
