using GpuInference.Estimation;
using GpuInference.Inference;

namespace GpuInference.Analysis.Testing;

/// <summary>One coefficient of the observed fit, model-based; <see cref="Randomization"/> is set for tested terms.</summary>
public sealed record CoefficientReport(string Term, Estimate Estimate, NullDistribution? Randomization);

/// <summary>The result of a general randomization test, as every report format writes it.</summary>
public sealed record NetworkTestReport
{
    public required string Formula { get; init; }

    public required IReadOnlyList<string> Permuted { get; init; }

    public required string Design { get; init; }

    public required string Statistic { get; init; }

    /// <summary>The covariance of the observed fit, e.g. "CR2:village".</summary>
    public required string Covariance { get; init; }

    /// <summary>The covariance recomputed inside every permutation for the studentized statistics and their Wald, e.g. "CR1:village".</summary>
    public required string PermutationCovariance { get; init; }

    public required long Units { get; init; }

    public required long RowsDropped { get; init; }

    public required long Edges { get; init; }

    public required int Permutations { get; init; }

    public required ulong Seed { get; init; }

    public required string Backend { get; init; }

    public required string? FixedEffects { get; init; }

    /// <summary>Clusters of the observed fit's standard errors, when clustered.</summary>
    public int? Clusters { get; init; }

    public required int ResidualDegreesOfFreedom { get; init; }

    /// <summary>Every coefficient in model order (fixed covariates included, the intercept first when there is one).</summary>
    public required IReadOnlyList<CoefficientReport> Coefficients { get; init; }

    /// <summary>The joint Wald statistic over the tested terms and its null, when more than one term is tested.</summary>
    public NullDistribution? Wald { get; init; }

    /// <summary>Permutation b's statistic for each tested term (and the Wald last), for null.csv.</summary>
    public required IReadOnlyList<(string Name, NullDistribution Null)> Nulls { get; init; }

    public IReadOnlyList<string> Notes { get; init; } = [];

    public IReadOnlyList<(string Phase, double Seconds)> Timings { get; init; } = [];
}
