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
    /// </summary>
    public static double[] ModelStandardErrors(SpilloverProblem problem, double[] observed)
    {
        int n = problem.UnitCount;
        var nb = new double[n];
        var nf = new double[n];
        var b = new double[n];
        var f = new double[n];
        var stratum = new int[n];
        for (int s = 0; s < problem.StratumCount; s++)
        {
            for (int i = problem.StratumStart[s]; i < problem.StratumStart[s + 1]; i++) stratum[i] = s;
        }
        for (int i = 0; i < n; i++)
        {
            for (long e = problem.RowOffsets[i]; e < problem.RowOffsets[i + 1]; e++)
            {
                var cell = problem.Cells[problem.Neighbors[e]];
                nb[i] += cell.HasFlag(TreatmentCell.Banner) ? 1 : 0;
                nf[i] += cell.HasFlag(TreatmentCell.Feed) ? 1 : 0;
            }
            b[i] = problem.Cells[i].HasFlag(TreatmentCell.Banner) ? 1 : 0;
            f[i] = problem.Cells[i].HasFlag(TreatmentCell.Feed) ? 1 : 0;
        }
        var x = new DesignMatrix(n).AddColumn("banner", nb).AddColumn("feed", nf).AddColumn("own_banner", b).AddColumn("own_feed", f);
        OlsResult fit = OrdinaryLeastSquares.Fit(x, problem.Outcome, CovarianceType.HC1, FixedEffects.FromCodes<int>("stratum", stratum));
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
