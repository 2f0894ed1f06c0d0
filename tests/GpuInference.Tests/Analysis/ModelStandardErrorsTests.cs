using GpuInference.Analysis;
using GpuInference.Analysis.Testing;
using GpuInference.Design;
using GpuInference.Estimation;
using GpuInference.Tests.Support;
using GpuInference.Data;

namespace GpuInference.Tests.Analysis;

/// <summary>
/// The spillover regression's model-based HC1 errors from exposure groups against QR on every unit with the strata
/// absorbed, on problems whose strata take the direct-table path and one whose hub takes the hash-map path.
/// </summary>
public sealed class ModelStandardErrorsTests
{
    private static OlsResult Qr(SpilloverProblem problem)
    {
        int n = problem.UnitCount;
        var x = new double[4][];
        for (int j = 0; j < 4; j++) x[j] = new double[n];
        var stratum = new int[n];
        for (int s = 0; s < problem.StratumCount; s++)
            for (int i = problem.StratumStart[s]; i < problem.StratumStart[s + 1]; i++) stratum[i] = s;
        for (int i = 0; i < n; i++)
        {
            for (long e = problem.RowOffsets[i]; e < problem.RowOffsets[i + 1]; e++)
            {
                TreatmentCell cell = problem.Cells[problem.Neighbors[e]];
                x[0][i] += cell.HasFlag(TreatmentCell.Banner) ? 1 : 0;
                x[1][i] += cell.HasFlag(TreatmentCell.Feed) ? 1 : 0;
            }
            x[2][i] = problem.Cells[i].HasFlag(TreatmentCell.Banner) ? 1 : 0;
            x[3][i] = problem.Cells[i].HasFlag(TreatmentCell.Feed) ? 1 : 0;
        }
        var design = new DesignMatrix(n).AddColumn("banner", x[0]).AddColumn("feed", x[1]).AddColumn("own_banner", x[2]).AddColumn("own_feed", x[3]);
        return OrdinaryLeastSquares.Fit(design, problem.Outcome, CovarianceType.HC1, FixedEffects.FromCodes<int>("stratum", stratum));
    }

    public static TheoryData<int> Problems() => [0, 1, 2];

    private static SpilloverProblem Problem(int which) => which switch
    {
        0 => TestProblems.Random(4000, 3800, 5, seed: 21),
        1 => TestProblems.Random(3000, 3000, 6, seed: 22, realOutcome: true, emptyRows: 0.05),
        // Few units with many friends: (degree + 1)² · 4 keys dwarf the strata, so they go through the hash map.
        _ => TestProblems.Random(2000, 600, 150, seed: 23),
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void MatchesQrOnEveryUnit(int which)
    {
        SpilloverProblem problem = Problem(which);
        OlsResult qr = Qr(problem);
        IReadOnlyList<double> errors = PaperModelRun.ObservedFit(problem, SpilloverEffects.Shape, [qr.Coefficients[0], qr.Coefficients[1]], CovarianceType.HC1, []).StandardErrors;
        for (int k = 0; k < 4; k++)
        {
            double expected = qr.StandardErrors[k];
            Assert.True(Math.Abs(errors[k] - expected) <= 1e-10 * expected, $"se {k}: QR {expected:R}, grouped {errors[k]:R}");
        }
    }

    [Fact]
    public void DisagreeingObservedCoefficientsFailTheCheck()
    {
        SpilloverProblem problem = Problem(0);
        OlsResult qr = Qr(problem);
        Assert.Throws<InvalidOperationException>(() => PaperModelRun.ObservedFit(problem, SpilloverEffects.Shape, [qr.Coefficients[0] * 1.001, qr.Coefficients[1]], CovarianceType.HC1, []));
    }
}
