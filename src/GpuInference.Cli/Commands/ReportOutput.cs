using GpuInference.Reporting;

namespace GpuInference.Cli.Commands;

/// <summary>
/// Writes the report files atomically as a set: into a scratch folder first, then moved into place, so that a run
/// that fails (or is killed) never leaves a report that looks complete, nor a stale one from an earlier run.
/// </summary>
internal static class ReportOutput
{
    private static readonly string[] Names = [ReportFiles.Json, ReportFiles.Markdown, ReportFiles.Html, ReportFiles.NullCsv, "null_banner.svg", "null_feed.svg"];

    public static void RemoveStale(string outDir)
    {
        if (!Directory.Exists(outDir)) return;
        foreach (string name in Names)
        {
            string path = Path.Combine(outDir, name);
            if (File.Exists(path)) File.Delete(path);
        }
    }

    public static void Write(AnalysisReport report, string outDir)
    {
        Directory.CreateDirectory(outDir);
        string scratch = Path.Combine(outDir, $".partial-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        try
        {
            IReadOnlyList<string> written = ReportDirectory.Write(report, scratch);
            // report.json last: its presence means the set is complete.
            foreach (string file in written.OrderBy(f => Path.GetFileName(f) == ReportFiles.Json ? 1 : 0))
            {
                File.Move(file, Path.Combine(outDir, Path.GetFileName(file)), overwrite: true);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
