using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

public class MarkdownReportWriterTests
{
    private static readonly string Markdown = MarkdownReportWriter.ToMarkdown(SampleReports.Paper());

    [Fact]
    public void ShowsEffectsAsPercentWithIntervals()
    {
        Assert.Contains("| Both vs neither, adjusted for 2010 turnout | +0.24% [+0.03%, +0.44%] | 0.10% | 0.0266 | 14,608,375 |", Markdown);
        Assert.Contains("+0.17% [-0.05%, +0.40%]", Markdown);
    }

    [Fact]
    public void LinksTheHistogramsAndData()
    {
        Assert.Contains("](null_banner.svg)", Markdown);
        Assert.Contains("](null_feed.svg)", Markdown);
        Assert.Contains("](null.csv)", Markdown);
        Assert.Contains("](report.json)", Markdown);
    }

    [Fact]
    public void ExplainsThePermutationTestAndShowsTotals()
    {
        Assert.Contains("p = (1 + count) / (1 + B)", Markdown);
        Assert.Contains("| Directly mobilised | 0.0024 × 14,500,000 / 0.4 | 87,000 |", Markdown);
        Assert.Contains("| Friends mobilised | 0.001 × 5 × 14,500,000 / 0.4 | 181,250 |", Markdown);
        Assert.Contains("| Multiplier | 5 × 0.001 / 0.0024 | 2.08 |", Markdown);
        Assert.Contains("1 reassignment gave a degenerate fit", Markdown);
    }

    [Fact]
    public void MissingValuesReadAsNotAvailable()
    {
        Assert.Contains("| Local average treatment effect (logged in) | +0.35% [n/a, n/a] | n/a | n/a | 14,608,375 |", Markdown);
        Assert.DoesNotContain("NaN", Markdown);
    }

    [Fact]
    public void ANotEstimableEffectSaysWhyAndTheNotesHaveTheirSection()
    {
        AnalysisReport report = SampleReports.Paper(withLate: false) with
        {
            Direct = [.. SampleReports.Paper(withLate: false).Direct, EffectEstimate.NotEstimable(DirectEffectNames.Late, 48, "no assigned unit received the treatment")],
            Notes = ["3 units have no close friend.", "A weight | column."],
        };
        string markdown = MarkdownReportWriter.ToMarkdown(report);
        Assert.Contains("| Local average treatment effect (logged in) | not estimable | | | 48 |\n", markdown);
        Assert.Contains("- **Local average treatment effect (logged in).** Not estimable: no assigned unit received the treatment.\n", markdown);
        Assert.Contains("## Notes\n\n- 3 units have no close friend.\n- A weight | column.\n\n## Run", markdown);
        Assert.Contains("## Spillover to close friends", markdown);
        Assert.DoesNotContain("## Notes", Markdown);
    }

    [Fact]
    public void DirectoryWriterWritesEveryFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), "gpuinference-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var written = ReportDirectory.Write(SampleReports.Paper(), directory);
            string[] names = written.Select(Path.GetFileName).ToArray()!;
            Assert.Equal(new[] { "report.json", "report.md", "report.html", "null.csv", "null_banner.svg", "null_feed.svg" }, names);
            Assert.All(written, path => Assert.True(new FileInfo(path).Length > 0, path));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
