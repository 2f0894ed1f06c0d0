namespace GpuInference.Inference.Models;

/// <summary>What each permutation's fit is summarised by for a tested term.</summary>
public enum TestStatistic
{
    /// <summary>The coefficient itself.</summary>
    Coefficient,

    /// <summary>The coefficient over its robust standard error, recomputed in every permutation (Wu &amp; Ding, JASA 2021).</summary>
    Studentized,
}
