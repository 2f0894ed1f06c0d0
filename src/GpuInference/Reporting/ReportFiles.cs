namespace GpuInference.Reporting;

/// <summary>The names of the files a report directory holds; one place, so that the Markdown links always resolve.</summary>
public static class ReportFiles
{
    /// <summary>Machine-readable results.</summary>
    public const string Json = "report.json";

    /// <summary>The readable report.</summary>
    public const string Markdown = "report.md";

    /// <summary>The whole report as one self-contained page, plots inline.</summary>
    public const string Html = "report.html";

    /// <summary>Every permutation's statistics.</summary>
    public const string NullCsv = "null.csv";

    /// <summary>The histogram of one spillover statistic's null distribution, e.g. <c>null_banner.svg</c>.</summary>
    public static string Histogram(string statistic) => $"null_{statistic}.svg";

    /// <summary>True for a name that one of the files above can have.</summary>
    public static bool IsReportFile(string name) =>
        name is Json or Markdown or Html or NullCsv
        || name.StartsWith("null_", StringComparison.Ordinal) && name.EndsWith(".svg", StringComparison.Ordinal);
}
