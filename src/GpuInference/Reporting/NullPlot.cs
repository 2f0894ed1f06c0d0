using System.Text;
using GpuInference.Inference;
using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>
/// One plot of a permutation null distribution: a tested statistic's name (which names its file), the title drawn
/// on it, and the distribution. Reports draw one per tested statistic (today the banner and feed spillovers); the
/// writers take a list of these, so that any set of tested terms is drawn the same way.
/// </summary>
/// <param name="Name">Machine name of the statistic, e.g. <c>banner</c>; the file is <see cref="ReportFiles.Histogram"/> of it.</param>
/// <param name="Title">The title drawn above the histogram.</param>
/// <param name="Null">Observed value and null draws.</param>
public sealed record NullPlot(string Name, string Title, NullDistribution Null)
{
    /// <summary>The file the plot is written to in a report folder, e.g. <c>null_banner.svg</c>.</summary>
    public string FileName => ReportFiles.Histogram(Name);

    /// <summary>The plot as an SVG document (see <see cref="SvgHistogram"/>).</summary>
    public string ToSvg() => SvgHistogram.Render(Null, Title);

    /// <summary>One plot per spillover statistic, in the report's order, under the paper's titles.</summary>
    public static IReadOnlyList<NullPlot> For(IEnumerable<SpilloverStatistic> statistics) =>
        statistics.Select(s => new NullPlot(s.Name, SvgHistogram.DefaultTitle(s.Name), s.Null)).ToArray();

    /// <summary>Writes every plot into <paramref name="directory"/> under its <see cref="FileName"/>; returns the paths, in order.</summary>
    public static IReadOnlyList<string> WriteFiles(IReadOnlyList<NullPlot> plots, string directory)
    {
        ArgumentNullException.ThrowIfNull(plots);
        var written = new List<string>(plots.Count);
        foreach (NullPlot plot in plots)
        {
            string path = Path.Combine(directory, plot.FileName);
            File.WriteAllText(path, plot.ToSvg(), new UTF8Encoding(false));
            written.Add(path);
        }
        return written;
    }
}
