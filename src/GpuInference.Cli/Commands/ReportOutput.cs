using GpuInference.Reporting;

namespace GpuInference.Cli.Commands;

/// <summary>Opens the --out folder for a report, turning a folder that cannot take one into a usage error.</summary>
internal static class ReportOutput
{
    /// <summary>Checks --out before any work; see <see cref="ReportPublication"/> for how the set is published.</summary>
    public static ReportPublication Begin(string outDir)
    {
        try
        {
            return ReportPublication.Begin(outDir);
        }
        catch (ReportFolderException e)
        {
            throw new UsageException($"--out {e.Message}");
        }
    }
}
