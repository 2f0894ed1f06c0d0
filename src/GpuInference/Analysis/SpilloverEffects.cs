using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Estimation;
using GpuInference.Inference;
using GpuInference.Data;

namespace GpuInference.Analysis;

/// <summary>
/// The paper's Fig 3: turnout regressed on the number of close friends with banner and with feed (and one's own
/// cells), within strata of (number of close friends × vote2010), judged against the permutation null.
/// </summary>
public static class SpilloverEffects
{
    /// <summary>Names of the two permuted statistics, in coefficient order.</summary>
    public static readonly string[] StatisticNames = ["banner", "feed"];

    /// <summary>Runs the observed fit and the permutations on the session's backend.</summary>
    public static PermutationResult Permute(BackendSession session, AnalysisOptions options, IProgress<int>? progress, CancellationToken cancel)
    {
        var runner = new PermutationRunner(session);
        PermutationResult result = runner.Run(options.Seed, options.Permutations, options.BatchSize, progress, cancel);
        if (double.IsNaN(result.Observed[0]))
        {
            throw new DegenerateSpilloverDesignException(
                "the spillover regression is singular: a regressor (friends with banner, friends with feed, own banner or own feed) has no variation within strata of close friends × vote2010.");
        }
        return result;
    }

    /// <summary>
    /// The model-based robust (HC1) standard errors of the observed coefficients, from the same regression fitted by
    /// QR with the strata absorbed: a cross-check on the permutation fit (the estimates must agree) and a
    /// second measure of uncertainty for the report. HC1 because singleton strata make HC2 undefined.
    /// <para>
    /// The regressors (friends with banner, friends with feed, own banner, own feed) are small integers, so the units
    /// of a stratum fall into groups that share all four, and the fit runs on each group's count, outcome mean and
    /// centred sum of squares (<see cref="GroupedLeastSquares"/>): QR on tens of thousands of weighted group rows
    /// instead of 15 million, with the same R factor and the same residual sums of squares.
    /// </para>
    /// </summary>
    public static double[] ModelStandardErrors(SpilloverProblem problem, double[] observed)
    {
        ExposureGroups groups = ExposureGroups.Of(problem);
        ArmMoments[] moments = GroupMoments.Of(problem.Outcome, groups.GroupOfUnit, groups.Count, out _);
        OlsResult fit = GroupedLeastSquares.Fit(
            ["banner", "feed", "own_banner", "own_feed"], groups.Regressors, moments, CovarianceType.HC1, groups.Stratum, "stratum");
        for (int k = 0; k < 2; k++)
        {
            double qr = fit.Coefficients[k];
            if (Math.Abs(qr - observed[k]) > 1e-8 * Math.Max(1e-6, Math.Abs(qr)))
            {
                throw new InvalidOperationException($"internal check failed: the {StatisticNames[k]} coefficient is {observed[k]:R} from the moments but {qr:R} by QR.");
            }
        }
        return [fit.StandardErrors[0], fit.StandardErrors[1]];
    }

    /// <summary>One report statistic per spillover coefficient.</summary>
    public static IReadOnlyList<SpilloverStatistic> Statistics(PermutationResult result, double[]? standardErrors) =>
        StatisticNames.Select((name, k) => new SpilloverStatistic(name, new NullDistribution(result.Observed[k], result.NullOf(k)),
            standardErrors?[k] ?? double.NaN)).ToArray();
}
