using GpuInference.Estimation;

namespace GpuInference.Analysis.Testing;

/// <summary>How the paper's model is run: the permutations, the backend and the standard errors of the observed fit.</summary>
public sealed record PaperModelSettings
{
    public required int Permutations { get; init; }

    public required ulong Seed { get; init; }

    public string Backend { get; init; } = "auto";

    public int? Device { get; init; }

    public int Threads { get; init; }

    public int BatchSize { get; init; }

    /// <summary>Covariance of the observed fit (unclustered types only).</summary>
    public CovarianceType Covariance { get; init; } = CovarianceType.HC1;

    /// <summary>
    /// Leave out units alone in their stratum, as the general engine and fixest do. The paper preset keeps them: they
    /// change no coefficient, only the count of units behind the HC1 factor.
    /// </summary>
    public bool DropSingletons { get; init; } = true;
}
