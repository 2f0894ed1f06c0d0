namespace GpuInference.Reporting;

/// <summary>
/// The folder a report is to be written to cannot take it: it is a file, holds files of its own, or cannot be
/// created or written. Thrown before any work, so that a long run never ends in a report with nowhere to go.
/// </summary>
public sealed class ReportFolderException : Exception
{
    /// <summary>A problem with <paramref name="path"/>, optionally caused by an I/O exception.</summary>
    public ReportFolderException(string path, string problem, Exception? inner = null)
        : base($"'{path}' {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The report folder as given.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
