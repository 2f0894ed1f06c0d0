using System.Globalization;
using GpuInference.Analysis.Testing;
using GpuInference.Inference;

namespace GpuInference.Reporting.Testing;

/// <summary>report.html of <c>gpuinference test</c>: one self-contained page, with the same builder and style as the paper's report.</summary>
public static class NetworkTestHtmlWriter
{
    public static string Render(NetworkTestReport report, IReadOnlyList<NullPlot> plots)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(plots);
        var html = new HtmlBuilder().Begin("Randomization test");
        html.Navigation([("run", "Run"), ("coefficients", "Coefficients"), ("randomization", "Randomization"), ("plots", "Plots"), ("notes", "Notes")]);
        html.Section("run", "Run");
        html.KeyValueTable("The run", [
            ("model", report.Formula),
            ("permuted", string.Join(", ", report.Permuted)),
            ("design", report.Design),
            ("statistic", report.Statistic),
            ("standard errors", report.Covariance),
            ("inside permutations", report.PermutationCovariance),
            ("units", Number(report.Units)),
            ("rows dropped", Number(report.RowsDropped)),
            ("edges", Number(report.Edges)),
            ("permutations", Number(report.Permutations)),
            ("seed", report.Seed.ToString(CultureInfo.InvariantCulture)),
            ("backend", report.Backend),
        ]);
        html.Section("coefficients", "Coefficients");
        html.Table($"Observed fit, {report.Covariance} standard errors, 95% intervals",
            [("term", false), ("estimate", true), ("se", true), ("95% CI", true), ("p (model)", true), ("p (randomization)", true)],
            report.Coefficients.Select(c => (IReadOnlyList<string>)[
                c.Term, G(c.Estimate.Value, 6), G(c.Estimate.StandardError, 4), $"[{G(c.Estimate.CiLow, 4)}, {G(c.Estimate.CiHigh, 4)}]", G(c.Estimate.P, 3),
                c.Randomization is null ? "" : G(c.Randomization.TwoSided.Value, 4)]));
        html.Section("randomization", "Randomization");
        html.Table($"Each tested statistic ({report.Statistic}) against its null over {Number(report.Permutations)} re-randomizations",
            [("statistic", false), ("observed", true), ("p two-sided", true), ("95% MC interval", true), ("p greater", true), ("p less", true), ("null 2.5%", true), ("null 97.5%", true)],
            report.Nulls.Select(n => (IReadOnlyList<string>)[
                n.Name, G(n.Null.Observed, 6), G(n.Null.TwoSided.Value, 4), Interval(n.Null.TwoSided), G(n.Null.Greater.Value, 4), G(n.Null.Less.Value, 4),
                G(n.Null.Q025, 4), G(n.Null.Q975, 4)]));
        html.Section("plots", "Plots");
        int figure = 0;
        foreach (NullPlot plot in plots) html.Figure($"plot-{++figure}", plot.ToSvg(), plot.Title);
        html.Section("notes", "Notes");
        html.List(report.Notes);
        return html.End("Written by gpuinference test.").ToString();
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string G(double value, int digits) => double.IsFinite(value) ? value.ToString("G" + digits, CultureInfo.InvariantCulture) : "not estimable";

    private static string Interval(PValue p) => $"[{G(p.Interval.Low, 3)}, {G(p.Interval.High, 3)}]";
}
