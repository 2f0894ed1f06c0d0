using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>Writes every output of a report into one folder, under the names of <see cref="ReportFiles"/>.</summary>
public static class ReportDirectory
{
    /// <summary>
    /// Writes report.json, report.md, report.html, null.csv and one histogram per spillover statistic into
    /// <paramref name="directory"/> (created if missing). Returns the paths written, in that order.
    /// </summary>
    public static IReadOnlyList<string> Write(AnalysisReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        string Path(string name)
        {
            string path = System.IO.Path.Combine(directory, name);
            written.Add(path);
            return path;
        }

        JsonReportWriter.WriteFile(report, Path(ReportFiles.Json));
        MarkdownReportWriter.WriteFile(report, Path(ReportFiles.Markdown));
        IReadOnlyList<NullPlot> plots = NullPlot.For(report.Spillover);
        File.WriteAllText(Path(ReportFiles.Html), HtmlReportWriter.ToHtml(report, plots), new System.Text.UTF8Encoding(false));
        NullCsvWriter.WriteFile(report.Spillover, Path(ReportFiles.NullCsv));
        written.AddRange(NullPlot.WriteFiles(plots, directory));
        return written;
    }
}
