using System.Globalization;
using GpuInference.Reporting;
using Spectre.Console;
using GpuInference.Analysis;

namespace GpuInference.Cli.Terminal;

/// <summary>The short table printed after an analysis; the full story is in report.md.</summary>
internal static class ReportSummary
{
    private static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("+0.000;-0.000", CultureInfo.InvariantCulture) + "%";

    private static string P(double value) => double.IsNaN(value) ? "n/a" : value.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>Adds a row of plain text: brackets in intervals must not be read as markup.</summary>
    internal static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(Markup.Escape).ToArray());

    public static void Print(IAnsiConsole console, AnalysisReport report, string outDir)
    {
        RunMetadata meta = report.Metadata;
        console.MarkupLine(Markup.Escape(
            $"{meta.Units:N0} units, {meta.Edges:N0} close-friend ties, {meta.Permutations:N0} permutations (seed {meta.Seed}) on {meta.Backend} ({meta.Device})"));

        var direct = new Table().Title("Direct effects").AddColumns("estimate", "effect", "95% CI", "p", "N");
        foreach (EffectEstimate e in report.Direct.Where(e => !e.Name.Contains("_vote2010_", StringComparison.Ordinal)))
        {
            Row(direct, DirectEffectNames.Label(e.Name), Percent(e.Estimate), $"[{Percent(e.CiLow)}, {Percent(e.CiHigh)}]", P(e.P), e.N.ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(direct);

        var spill = new Table().Title("Spillover per close friend (permutation null)").AddColumns("treatment", "observed", "null 99% range", "p two-sided", "p greater");
        foreach (SpilloverStatistic s in report.Spillover)
        {
            Row(spill, s.Name, Percent(s.Estimate), $"[{Percent(s.Null.Q005)}, {Percent(s.Null.Q995)}]", P(s.Null.TwoSided.Value), P(s.Null.Greater.Value));
        }
        console.Write(spill);

        if (report.Totals is { } totals)
        {
            console.MarkupLine(Markup.Escape(
                $"Totals: {totals.Direct:N0} voters directly, {totals.Indirect:N0} through close friends, multiplier {totals.Multiplier:F2}."));
        }
        foreach (string note in report.Notes) console.MarkupLine(Markup.Escape($"Note: {note}"));
        console.MarkupLine(Markup.Escape($"Report: {Path.Combine(outDir, ReportFiles.Markdown)} (and report.html, report.json, null.csv, SVG plots)"));
    }
}
