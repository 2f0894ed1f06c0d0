namespace GpuInference.Cli;

/// <summary>Exit codes, distinct per kind of failure so that scripts can tell them apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int BadInput = 3;
    public const int DegenerateDesign = 4;
    public const int BackendUnavailable = 5;
}

/// <summary>The command line is incomplete or contradictory (beyond what the parser checks).</summary>
internal sealed class UsageException(string message) : Exception(message);
