using System.Globalization;
using System.Text;
using GpuInference.Inference;
using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>
/// Writes report.md: the results as a person reads them. Effects in percentage points with their intervals,
/// a plain-words paragraph for each estimate and for the permutation test, links to the histograms, the
/// arithmetic behind the totals, and how the run was made. Numbers come from the <see cref="AnalysisReport"/>
/// only, so the Markdown and the JSON never disagree.
/// </summary>
public static class MarkdownReportWriter
{
    /// <summary>Writes the report to <paramref name="path"/>, replacing it.</summary>
    public static void WriteFile(AnalysisReport report, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Write(report, writer);
    }

    /// <summary>The report as a Markdown string.</summary>
    public static string ToMarkdown(AnalysisReport report)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(report, writer);
        return writer.ToString();
    }

    /// <summary>Writes the report as Markdown to <paramref name="writer"/>.</summary>
    public static void Write(AnalysisReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder(8192);
        md.Append("# Direct and spillover effects of the get-out-the-vote message\n\n");
        RunLine(md, report.Metadata);
        Direct(md, report.Direct);
        Spillover(md, report.Spillover, report.Metadata);
        if (report.Totals is { } totals) TotalsSection(md, totals);
        Notes(md, report.Notes);
        Run(md, report);
        // One newline convention everywhere, so the file is the same bytes on every platform.
        writer.Write(md.ToString());
    }

    private static void RunLine(StringBuilder md, RunMetadata meta)
    {
        md.Append($"{ReportFormat.Count(meta.Units)} people, {ReportFormat.Count(meta.Edges)} close-friend ties, ")
          .Append($"{ReportFormat.Count(meta.Permutations)} permutations (seed {meta.Seed}) on the {meta.Backend} backend")
          .Append(string.IsNullOrEmpty(meta.Device) ? "" : $" ({meta.Device})").Append(".\n")
          .Append("Effects are changes in the probability of voting, in percentage points: +0.24% means 24 more voters per 10,000 people.\n\n");
    }

    private static void Direct(StringBuilder md, IReadOnlyList<EffectEstimate> effects)
    {
        if (effects.Count == 0) return;
        md.Append("## Direct effects\n\n");
        md.Append("| Estimate | Effect [95% CI] | SE | p | N |\n");
        md.Append("|---|---:|---:|---:|---:|\n");
        foreach (var e in effects)
        {
            if (!e.IsEstimable)
            {
                md.Append($"| {Cell(DirectEffectNames.Label(e.Name))} | not estimable | | | {ReportFormat.Count(e.N)} |\n");
                continue;
            }
            md.Append($"| {Cell(DirectEffectNames.Label(e.Name))} | {ReportFormat.Percent(e.Estimate)} [{ReportFormat.Percent(e.CiLow)}, {ReportFormat.Percent(e.CiHigh)}] | ")
              .Append($"{ReportFormat.Percent(e.StandardError, signed: false)} | {ReportFormat.P(e.P)} | {ReportFormat.Count(e.N)} |\n");
        }
        md.Append('\n');
        foreach (var e in effects)
        {
            if (!e.IsEstimable)
            {
                md.Append($"- **{DirectEffectNames.Label(e.Name)}.** Not estimable: {e.NotEstimableReason}.\n");
                continue;
            }
            string? explanation = DirectEffectNames.Explanation(e.Name);
            if (explanation is null && e.Note is null) continue;
            md.Append($"- **{DirectEffectNames.Label(e.Name)}.** ");
            if (explanation is not null) md.Append(explanation);
            if (e.Note is not null) md.Append(explanation is null ? "" : " ").Append('(').Append(e.Note).Append(')');
            md.Append('\n');
        }
        md.Append("\nThe 95% confidence interval is the range of effects compatible with the data at the 5% level; ")
          .Append("p is the probability of an estimate at least this far from zero if the message had no effect.\n\n");
    }

    private static void Spillover(StringBuilder md, IReadOnlyList<SpilloverStatistic> statistics, RunMetadata meta)
    {
        if (statistics.Count == 0) return;
        md.Append("## Spillover to close friends\n\n");
        md.Append("Each coefficient is the change in a person's probability of voting for each additional close friend who received the ")
          .Append("treatment, from a regression of turnout on the number of close friends in the banner and in the feed condition and on ")
          .Append("the person's own treatment, within strata of number of close friends and 2010 turnout.\n\n");
        md.Append("**The permutation test.** If the treatment of one's friends had no effect, which people were treated would not matter ")
          .Append("for anyone's turnout. So we keep the friendship network and every outcome as they are, reassign the treatments at random ")
          .Append($"(the same cells, shuffled among all {ReportFormat.Count(meta.Nodes)} people) and fit the same regression again, ")
          .Append($"{ReportFormat.Count(meta.Permutations)} times. These fits show how large a coefficient chance alone produces. ")
          .Append("The p-value is the share of reassignments that give a coefficient at least as large in absolute value as the observed one, ")
          .Append("counting the observed assignment itself: p = (1 + count) / (1 + B). Its Monte Carlo interval (Clopper–Pearson, 95%) says how ")
          .Append("much that share could move with a different set of random reassignments; more permutations narrow it. ")
          .Append("Null quantiles use R's default definition (type 7).\n\n");

        md.Append("| Treatment | Observed | Null 95% range | Null 99% range | p two-sided | Monte Carlo 95% CI of p | p greater | p less | Valid B |\n");
        md.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var s in statistics)
        {
            NullDistribution n = s.Null;
            md.Append($"| {Cell(s.Name)} | {ReportFormat.Percent(s.Estimate)} | ")
              .Append($"[{ReportFormat.Percent(n.Q025)}, {ReportFormat.Percent(n.Q975)}] | [{ReportFormat.Percent(n.Q005)}, {ReportFormat.Percent(n.Q995)}] | ")
              .Append($"{ReportFormat.P(n.TwoSided.Value)} | {Interval(n.TwoSided)} | {ReportFormat.P(n.Greater.Value)} | {ReportFormat.P(n.Less.Value)} | ")
              .Append($"{ReportFormat.Count(n.Permutations)} |\n");
        }
        md.Append('\n');

        foreach (var s in statistics)
        {
            NullDistribution n = s.Null;
            string verdict = !double.IsFinite(s.Estimate) ? "could not be estimated"
                : s.Estimate < n.Q005 || s.Estimate > n.Q995 ? "falls outside the central 99% of the null distribution"
                : s.Estimate < n.Q025 || s.Estimate > n.Q975 ? "falls outside the central 95% but inside the central 99% of the null distribution"
                : "falls well inside the null distribution";
            md.Append($"- **{Capitalised(s.Name)}.** The observed {ReportFormat.Percent(s.Estimate)} per close friend {verdict}; ")
              .Append($"{ReportFormat.Count(n.TwoSided.Count)} of {ReportFormat.Count(n.Permutations)} reassignments were at least as extreme ")
              .Append($"(two-sided p = {ReportFormat.P(n.TwoSided.Value)}).");
            if (double.IsFinite(s.StandardError)) md.Append($" Model-based standard error {ReportFormat.Percent(s.StandardError, signed: false)}.");
            md.Append($" Permutation standard deviation {ReportFormat.Percent(n.StandardDeviation, signed: false)}.");
            if (n.NaNCount > 0)
                md.Append($" {ReportFormat.Count(n.NaNCount, "reassignment", "reassignments")} gave a degenerate fit (no variation left to estimate from) and {(n.NaNCount == 1 ? "is" : "are")} left out.");
            md.Append('\n');
        }
        md.Append('\n');
        foreach (var s in statistics)
            md.Append($"![Null distribution of the {s.Name} spillover coefficient]({ReportFiles.Histogram(s.Name)})\n\n");
        md.Append($"Every reassignment's coefficients are in [{ReportFiles.NullCsv}]({ReportFiles.NullCsv}); ")
          .Append($"all numbers at full precision are in [{ReportFiles.Json}]({ReportFiles.Json}).\n\n");
    }

    private static void TotalsSection(StringBuilder md, Totals t)
    {
        md.Append("## People mobilised\n\n");
        md.Append("As in the paper, per-person effects become head counts by multiplying by the treated people who could be matched to ")
          .Append("voter records and dividing by the share of all registered voters that matching covered; people whose records could not ")
          .Append("be matched are assumed unaffected there.\n\n");
        string treated = ReportFormat.Count(t.TreatedMatched);
        string fraction = ReportFormat.Number(t.MatchFraction);
        md.Append("| Quantity | Arithmetic | Value |\n|---|---|---:|\n");
        md.Append($"| Directly mobilised | {ReportFormat.Number(t.AverageTreatmentEffect)} × {treated} / {fraction} | {ReportFormat.Count(t.Direct)} |\n");
        md.Append($"| Friends mobilised | {ReportFormat.Number(t.PerFriendEffect)} × {ReportFormat.Number(t.MeanCloseFriends)} × {treated} / {fraction} | {ReportFormat.Count(t.Indirect)} |\n");
        md.Append($"| Total | direct + friends | {ReportFormat.Count(t.Total)} |\n");
        md.Append($"| Multiplier | {ReportFormat.Number(t.MeanCloseFriends)} × {ReportFormat.Number(t.PerFriendEffect)} / {ReportFormat.Number(t.AverageTreatmentEffect)} | {ReportFormat.Number(t.Multiplier)} |\n\n");
        md.Append($"For every person the message moved to vote directly, about {ReportFormat.Number(t.Multiplier)} close friends were moved ")
          .Append($"through them; friends account for {ReportFormat.Percent(t.IndirectShare, decimals: 0, signed: false)} of the total.\n\n");
    }

    private static void Notes(StringBuilder md, IReadOnlyList<string> notes)
    {
        if (notes.Count == 0) return;
        md.Append("## Notes\n\n");
        foreach (string note in notes) md.Append("- ").Append(note.Replace('\n', ' ')).Append('\n');
        md.Append('\n');
    }

    private static void Run(StringBuilder md, AnalysisReport report)
    {
        RunMetadata m = report.Metadata;
        md.Append("## Run\n\n| | |\n|---|---|\n");
        md.Append($"| Units (people with an outcome) | {ReportFormat.Count(m.Units)} |\n");
        md.Append($"| Nodes | {ReportFormat.Count(m.Nodes)} |\n");
        md.Append($"| Close-friend ties | {ReportFormat.Count(m.Edges)} |\n");
        md.Append($"| Self-loops / duplicate ties dropped | {ReportFormat.Count(m.SelfLoopsDropped)} / {ReportFormat.Count(m.DuplicatesDropped)} |\n");
        md.Append($"| Permutations (degenerate) | {ReportFormat.Count(m.Permutations)} ({ReportFormat.Count(report.NaNPermutations)}) |\n");
        md.Append($"| Seed | {m.Seed} |\n");
        md.Append($"| Backend | {Cell(m.Backend)}{(string.IsNullOrEmpty(m.Device) ? "" : ", " + Cell(m.Device))} |\n");
        if (m.Threads > 0) md.Append($"| Host threads | {m.Threads} |\n");
        foreach (var (role, path) in m.InputPaths) md.Append($"| Input: {Cell(role)} | `{Cell(path)}` |\n");
        foreach (var t in m.Timings) md.Append($"| Time: {Cell(t.Phase)} | {ReportFormat.Duration(t.Elapsed)} |\n");
        foreach (string note in m.BackendNotes) md.Append($"| Backend note | {Cell(note)} |\n");
        if (!string.IsNullOrEmpty(m.Version)) md.Append($"| Version | {Cell(m.Version)} |\n");
        if (m.CreatedAt is { } created) md.Append($"| Finished | {created.ToString("u", CultureInfo.InvariantCulture)} |\n");
        md.Append('\n');
    }

    private static string Interval(PValue p) =>
        double.IsNaN(p.Interval.Low) ? "n/a" : $"[{ReportFormat.P(p.Interval.Low)}, {ReportFormat.P(p.Interval.High)}]";

    private static string Capitalised(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    // A pipe would end the table cell early.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
