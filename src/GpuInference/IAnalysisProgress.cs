namespace GpuInference;

/// <summary>Progress of long work (loading, layout, permutations), for a front end to draw. Every stage of the library reports through it, so it sits below them all.</summary>
public interface IAnalysisProgress
{
    /// <summary>A phase starts; <paramref name="total"/> steps when it counts them, else 0.</summary>
    void Begin(string phase, long total);

    void Advance(long done);

    void End();

    /// <summary>A warning the user must see (a fallback, a skipped backend).</summary>
    void Warn(string message);
}
