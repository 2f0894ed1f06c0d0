using System.Text;
using GpuInference.Analysis.Testing;

namespace GpuInference.Reporting.Testing;

/// <summary>The files of a <c>gpuinference test</c> report: report.json, report.md, report.html, null.csv and one plot per tested statistic.</summary>
public static class TestReportSet
{
    /// <summary>The plot file of a statistic: its name with anything but letters, digits, '_' and '-' replaced, e.g. <c>null_share_intensive_.svg</c>.</summary>
    public static string PlotFile(string statistic) =>
        ReportFiles.Histogram(new string([.. statistic.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_')]));

    /// <summary>Writes the set into <paramref name="directory"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(NetworkTestReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        var written = new List<string>();
        void File(string name, string text)
        {
            string path = Path.Combine(directory, name);
            System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
            written.Add(path);
        }
        File(ReportFiles.Json, NetworkTestJsonWriter.ToJson(report));
        File(ReportFiles.Markdown, NetworkTestTextWriters.Markdown(report));
        File(ReportFiles.NullCsv, NetworkTestTextWriters.NullCsv(report));
        IReadOnlyList<NullPlot> plots = Plots(report);
        File(ReportFiles.Html, NetworkTestHtmlWriter.Render(report, plots));
        foreach (NullPlot plot in plots) File(PlotFile(plot.Name), plot.ToSvg());
        return written;
    }

    /// <summary>One plot per tested statistic, in report order.</summary>
    public static IReadOnlyList<NullPlot> Plots(NetworkTestReport report) =>
        [.. report.Nulls.Select(n => new NullPlot(n.Name, n.Name == "wald" ? "Joint Wald statistic: randomization null" : $"{n.Name}: randomization null ({report.Statistic})", n.Null))];
}
