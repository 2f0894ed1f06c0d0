using System.Text.RegularExpressions;
using GpuInference.Inference;
using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

public partial class HtmlReportWriterTests
{
    private static readonly AnalysisReport Sample = SampleReports.Paper();
    private static readonly string Html = HtmlReportWriter.ToHtml(Sample);

    // One table row as the writer sets it: the first cell a row header, the rest data cells, numbers right-aligned.
    private static string Row(string header, params string[] cells) =>
        $"<tr><th scope=\"row\">{header}</th>" + string.Concat(cells.Select(c => c.StartsWith('!') ? $"<td>{c[1..]}</td>" : $"<td class=\"num\">{c}</td>")) + "</tr>";

    private static string Table(string html, string id)
    {
        Match opening = Regex.Match(html, $"<table[^>]* id=\"{id}\">");
        Assert.True(opening.Success, $"no table {id}");
        int start = opening.Index;
        int end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [Fact]
    public void IsOneHtml5DocumentThatForbidsFetching()
    {
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", Html);
        Assert.EndsWith("</html>\n", Html);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", Html);
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';", Html);
        Assert.Contains("<title>Direct and spillover effects of the get-out-the-vote message</title>", Html);
    }

    [Fact]
    public void DirectFactorialAndLateTablesHoldTheReportsNumbers()
    {
        string direct = Table(Html, "direct-table");
        Assert.Contains(Row("Both vs neither", "+0.17%", "[-0.05%, +0.40%]", "0.11%", "0.139", "14,608,375"), direct);
        Assert.Contains(Row("Both vs neither, adjusted for 2010 turnout", "+0.24%", "[+0.03%, +0.44%]", "0.10%", "0.0266", "14,608,375"), direct);
        Assert.Contains(Row("Both vs neither, post-stratified on 2010 turnout", "+0.24%", "[+0.03%, +0.44%]", "0.10%", "0.0266", "14,608,375"), direct);

        string factorial = Table(Html, "factorial-table");
        Assert.Contains(Row("Banner (factorial, adjusted for 2010 turnout)", "+0.12%", "[-0.08%, +0.32%]", "0.10%", "0.24", "15,060,695", "!"), factorial);
        Assert.Contains(Row("Feed (factorial, adjusted for 2010 turnout)", "+0.10%", "[-0.06%, +0.26%]", "0.08%", "0.22", "15,060,695", "!Stratified by 2010 turnout."), factorial);

        string late = Table(Html, "late-table");
        Assert.Contains(Row("Local average treatment effect (logged in)", "+0.35%", "n/a", "n/a", "n/a", "14,608,375",
            "!No interval: the Wald ratio&#39;s standard error was not computed."), late);
    }

    [Fact]
    public void PermutationTablesHoldTheNullQuantilesPValuesAndTheirIntervals()
    {
        NullDistribution banner = Sample.Spillover[0].Null, feed = Sample.Spillover[1].Null;
        string nulls = Table(Html, "null-table");
        Assert.Contains(Row("banner", "+0.10%", "0.03%", ReportFormat.Percent(banner.StandardDeviation, signed: false),
            $"[{ReportFormat.Percent(banner.Q025)}, {ReportFormat.Percent(banner.Q975)}]", $"[{ReportFormat.Percent(banner.Q005)}, {ReportFormat.Percent(banner.Q995)}]"), nulls);
        Assert.Contains(Row("feed", "+0.01%", "n/a", ReportFormat.Percent(feed.StandardDeviation, signed: false),
            $"[{ReportFormat.Percent(feed.Q025)}, {ReportFormat.Percent(feed.Q975)}]", $"[{ReportFormat.Percent(feed.Q005)}, {ReportFormat.Percent(feed.Q995)}]"), nulls);

        string p = Table(Html, "p-table");
        Assert.Equal(999, banner.Permutations); // one of 1,000 degenerate
        Assert.Contains(Row("banner", ReportFormat.P(banner.TwoSided.Value),
            $"[{ReportFormat.P(banner.TwoSided.Interval.Low)}, {ReportFormat.P(banner.TwoSided.Interval.High)}]",
            ReportFormat.P(banner.Greater.Value), ReportFormat.P(banner.Less.Value), "999"), p);
        Assert.Contains(Row("feed", ReportFormat.P(feed.TwoSided.Value),
            $"[{ReportFormat.P(feed.TwoSided.Interval.Low)}, {ReportFormat.P(feed.TwoSided.Interval.High)}]",
            ReportFormat.P(feed.Greater.Value), ReportFormat.P(feed.Less.Value), "999"), p);
        // The observed banner coefficient (0.10%) lies beyond every null draw (sd 0.03%): p is 1 / (1 + 999).
        Assert.Contains("<td class=\"num\">0.001</td>", p);
    }

    [Fact]
    public void TotalsRunTimingsAndNotesAreShown()
    {
        string totals = Table(Html, "totals-table");
        Assert.Contains(Row("Directly mobilised", "!0.0024 × 14,500,000 / 0.4", "87,000"), totals);
        Assert.Contains(Row("Friends mobilised", "!0.001 × 5 × 14,500,000 / 0.4", "181,250"), totals);
        Assert.Contains(Row("Total", "!direct + friends", "268,250"), totals);
        Assert.Contains(Row("Multiplier", "!5 × 0.001 / 0.0024", "2.08"), totals);

        string run = Table(Html, "run-table");
        Assert.Contains("<tr><th scope=\"row\">Units (people with an outcome)</th><td>15,060,897</td></tr>", run);
        Assert.Contains("<tr><th scope=\"row\">Close-friend ties</th><td>75,304,485</td></tr>", run);
        Assert.Contains("<tr><th scope=\"row\">Permutations (degenerate)</th><td>1,000 (1)</td></tr>", run);
        Assert.Contains("<tr><th scope=\"row\">Seed</th><td>20121106</td></tr>", run);
        Assert.Contains("<tr><th scope=\"row\">Input: edges</th><td class=\"path\">data/close_friends.csv</td></tr>", run);

        string timings = Table(Html, "timings-table");
        Assert.Contains(Row("load", "12.5 s", "5%"), timings);
        Assert.Contains(Row("permutations", "4 min 10 s", "95%"), timings);

        Assert.Contains("<h2 id=\"notes\">Notes</h2>\n<ul class=\"notes\">\n", Html);
        Assert.Contains("<li>12 self-loops and 345 repeated ties were dropped from the edge list.</li>", Html);
        Assert.Contains("<li>1 reassignment of 1,000 gave a degenerate fit (no variation left to estimate from) and is left out of the null distributions.</li>", Html);
        Assert.DoesNotContain("NaN", Html);
    }

    [Fact]
    public void BackendNotesAreAList()
    {
        var report = Sample with { Metadata = Sample.Metadata with { BackendNotes = ["cuda: no driver", "opencl: no platform"] } };
        string html = HtmlReportWriter.ToHtml(report);
        Assert.Contains("<h3>Backend notes</h3>\n<ul class=\"notes\">\n<li>cuda: no driver</li>\n<li>opencl: no platform</li>\n</ul>", html);
    }

    [Fact]
    public void EveryPlotIsInlineSvgWithIdsOfItsOwn()
    {
        Assert.Equal(2, SvgOpenings().Matches(Html).Count);
        Assert.Contains("<figure id=\"plot-banner\">\n<svg width=\"640\" height=\"360\" viewBox=\"0 0 640 360\"", Html);
        Assert.Contains("<figure id=\"plot-feed\">\n<svg ", Html);
        Assert.Contains("Spillover of the banner to close friends", Html);
        Assert.Contains("Spillover of the feed stories to close friends", Html);
        string[] ids = IdAttribute().Matches(Html).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Contains("fig1-observed", ids);
        Assert.Contains("fig2-observed", ids);
    }

    [Fact]
    public void FetchesNothingAndRunsNoScript()
    {
        Assert.DoesNotContain("<script", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", Html, StringComparison.OrdinalIgnoreCase);
        // The only links are anchors in the page and the report's own files beside it.
        string[] hrefs = Href().Matches(Html).Select(m => m.Groups[1].Value).ToArray();
        Assert.All(hrefs, h => Assert.True(h.StartsWith('#') || h is ReportFiles.Json or ReportFiles.NullCsv, h));
    }

    [Fact]
    public void EscapesEveryPieceOfText()
    {
        const string hostile = "<script>alert(\"x\")</script> & 'q'";
        const string escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";
        var report = Sample with
        {
            Metadata = Sample.Metadata with
            {
                Backend = hostile,
                Device = hostile,
                InputPaths = [new("nodes", "data/<odd>&\"name\".csv")],
                Timings = [new(hostile, TimeSpan.FromSeconds(1))],
                BackendNotes = [hostile],
                Version = hostile,
            },
            Direct = [new EffectEstimate("custom <b>effect</b>", 0.001, 0.0005, 0, 0.002, 0.00001, 10, Note: hostile)],
            Spillover = [new SpilloverStatistic("a<b", Sample.Spillover[0].Null)],
        };
        string html = HtmlReportWriter.ToHtml(report);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<odd>", html);
        Assert.Contains(escaped, html);
        Assert.Contains("data/&lt;odd&gt;&amp;&quot;name&quot;.csv", html);
        Assert.Contains("custom &lt;b&gt;effect&lt;/b&gt;", html);
        Assert.Contains("<th scope=\"row\">a&lt;b</th>", html);
        Assert.Contains("<td class=\"num\">&lt;0.0001</td>", html); // the p-value 0.00001 reads "<0.0001"
        Assert.Equal("&amp;&lt;&gt;&quot;&#39;plain", HtmlBuilder.Escape("&<>\"'plain"));
    }

    [Fact]
    public void AnEstimateThatCouldNotBeMadeSaysSo()
    {
        var late = new EffectEstimate(DirectEffectNames.Late, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0,
            Note: "not estimable: nobody in the treated arms logged in");
        string html = HtmlReportWriter.ToHtml(Sample with { Direct = [.. Sample.Direct.Where(e => e.Name != DirectEffectNames.Late), late] });
        Assert.Contains(Row("Local average treatment effect (logged in)", "not estimable", "", "", "", "0",
            "!not estimable: nobody in the treated arms logged in"), Table(html, "late-table"));
    }

    [Fact]
    public void TakesAnyListOfPlots()
    {
        NullPlot[] plots =
        [
            new("banner", "Term 1: banner", Sample.Spillover[0].Null),
            new("feed", "Term 2: feed", Sample.Spillover[1].Null),
            new("banner_x_feed", "Term 3: banner × feed", Sample.Spillover[1].Null),
        ];
        string html = HtmlReportWriter.ToHtml(Sample, plots);
        Assert.Equal(3, SvgOpenings().Matches(html).Count);
        Assert.Contains("<figure id=\"plot-banner_x_feed\">", html);
        Assert.Contains(">Term 3: banner × feed</text>", html);
        Assert.Contains("Also saved as null_banner_x_feed.svg.", html);

        string directory = Directory.CreateTempSubdirectory("gpuinference-plots-").FullName;
        try
        {
            var written = NullPlot.WriteFiles(plots, directory);
            Assert.Equal(new[] { "null_banner.svg", "null_feed.svg", "null_banner_x_feed.svg" }, written.Select(w => Path.GetFileName(w)).ToArray());
            Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", File.ReadAllText(written[2]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TheFileIsTheStringAsUtf8WithoutAByteOrderMark()
    {
        string directory = Directory.CreateTempSubdirectory("gpuinference-html-").FullName;
        try
        {
            ReportDirectory.Write(Sample, directory);
            byte[] bytes = File.ReadAllBytes(Path.Combine(directory, ReportFiles.Html));
            Assert.Equal(Html, new System.Text.UTF8Encoding(false).GetString(bytes));
            Assert.NotEqual(0xEF, bytes[0]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex("<svg[ >]")]
    private static partial Regex SvgOpenings();

    [GeneratedRegex(" id=\"([^\"]*)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(" href=\"([^\"]*)\"")]
    private static partial Regex Href();
}
