namespace GpuInference.Analysis;

/// <summary>Progress that goes nowhere, for callers that draw none.</summary>
internal sealed class SilentProgress : IAnalysisProgress
{
    public static readonly SilentProgress Instance = new();

    public void Begin(string phase, long total) { }

    public void Advance(long done) { }

    public void End() { }

    public void Warn(string message) { }
}
