using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Estimation;
using GpuInference.Inference;
using GpuInference.Analysis.Testing;
using GpuInference.Model.Formula;

namespace GpuInference.Analysis;

/// <summary>
/// The paper's Fig 3: turnout regressed on the number of close friends with banner and with feed (and one's own
/// cells), within strata of (number of close friends × vote2010), judged against the permutation null: the paper's
/// model run by <see cref="PaperModelRun"/>, the engine <c>test</c> uses for it.
/// </summary>
public static class SpilloverEffects
{
    /// <summary>Names of the two permuted statistics, in coefficient order.</summary>
    public static readonly string[] StatisticNames = ["banner", "feed"];

    /// <summary>The paper's model as a formula over the nodes file's columns; <c>test</c> runs it on the same engine.</summary>
    public const string Formula = "voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010";

    /// <summary>The paper's model, with banner and feed permuted together as pairs.</summary>
    public static PaperModelShape Shape { get; } = PaperModelShape.Of(ModelFormula.Parse(Formula), ["banner", "feed"])!;

    /// <summary>One report statistic per spillover coefficient.</summary>
    public static IReadOnlyList<SpilloverStatistic> Statistics(PermutationResult result, double[]? standardErrors) =>
        StatisticNames.Select((name, k) => new SpilloverStatistic(name, new NullDistribution(result.Observed[k], result.NullOf(k)),
            standardErrors?[k] ?? double.NaN)).ToArray();
}
