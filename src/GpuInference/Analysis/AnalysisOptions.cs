using GpuInference.Estimation;

namespace GpuInference.Analysis;

/// <summary>Everything <c>analyze</c> can be told; the defaults follow the paper.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Permutations in the null distribution (the paper used 1,000), at most <see cref="MaxPermutations"/>.</summary>
    public int Permutations { get; init; } = 1000;

    /// <summary>
    /// The most permutations a run takes: p-values down to 1e-7, a null of 160 MB in memory and about 0.5 GB in
    /// null.csv. Beyond it a run would exhaust memory or disk after hours of work rather than say so at once.
    /// </summary>
    public const int MaxPermutations = 10_000_000;

    /// <summary>Seed of the permutation stream: permutation b is a function of (seed, b) alone.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>"auto", "cpu", "cuda", "opencl" or "ilgpu-cpu".</summary>
    public string Backend { get; init; } = "auto";

    /// <summary>Which device of a device backend, counted from 0 as <c>gpuinference devices</c> lists them; null: the first that starts.</summary>
    public int? Device { get; init; }

    /// <summary>Host threads; 0 means all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Permutations per backend call; 0 means the backend's maximum.</summary>
    public int BatchSize { get; init; }

    /// <summary>Share of the voter record that could be matched (the paper's 0.40), for the totals.</summary>
    public double MatchFraction { get; init; } = 0.40;

    /// <summary>Robust covariance of the direct-effect regressions (the paper: heteroskedasticity-robust; HC2 default).</summary>
    public CovarianceType Covariance { get; init; } = CovarianceType.HC2;

    /// <summary>The vote2010 level that is the baseline of its dummies, when present.</summary>
    public string Vote2010Baseline { get; init; } = "unknown";
}
