using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// The fit from group sufficient statistics against Householder QR on the rows themselves, on random data: the same
/// coefficients, classical and HC0–HC3 standard errors (so the same per-group leverages), RSS and R², to 1e-10.
/// </summary>
public sealed class GroupedLeastSquaresTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Rows drawn from <paramref name="groups"/> groups; y real or 0/1; group g's regressors from <paramref name="row"/>.</summary>
    private static (int[] Group, double[] Y) Rows(int n, int groups, int seed, bool binary)
    {
        var random = new System.Random(seed);
        var group = new int[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Skewed group sizes, as the paper's cells: most rows in the first groups, a few in the last.
            group[i] = Math.Min(groups - 1, (int)(-Math.Log(1 - random.NextDouble()) * groups / 3));
            y[i] = binary ? (random.NextDouble() < 0.3 + 0.05 * (group[i] % 7) ? 1 : 0) : 1e3 + group[i] * 0.37 + random.NextDouble() * 5;
        }
        return (group, y);
    }

    private static void AssertClose(double expected, double actual, string what)
    {
        Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Max(Math.Abs(expected), 1e-300),
            $"{what}: QR {expected:R}, grouped {actual:R} (relative {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
    }

    private static void AssertSameFit(OlsResult qr, OlsResult grouped)
    {
        Assert.Equal(qr.N, grouped.N);
        Assert.Equal(qr.Rank, grouped.Rank);
        for (int j = 0; j < qr.Names.Count; j++)
        {
            AssertClose(qr.Coefficients[j], grouped.Coefficients[j], $"{qr.Names[j]} coefficient");
            AssertClose(qr.StandardErrors[j], grouped.StandardErrors[j], $"{qr.Names[j]} {qr.CovarianceType} se");
        }
        AssertClose(qr.ResidualSumOfSquares, grouped.ResidualSumOfSquares, "RSS");
        AssertClose(qr.RSquared, grouped.RSquared, "R²");
    }

    public static TheoryData<CovarianceType, bool, int> Cases()
    {
        var data = new TheoryData<CovarianceType, bool, int>();
        foreach (CovarianceType type in new[] { CovarianceType.Classical, CovarianceType.HC0, CovarianceType.HC1, CovarianceType.HC2, CovarianceType.HC3 })
        {
            data.Add(type, false, 1);
            data.Add(type, true, 2);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IndicatorDesignMatchesQrOnTheRows(CovarianceType type, bool binary, int seed)
    {
        // The factorial model: intercept, banner, feed and two vote2010 dummies, over 4 cells × 3 levels.
        const int Levels = 3;
        (int[] group, double[] y) = Rows(20_000, 4 * Levels, seed, binary);
        double[] Row(int g) => [1, g / Levels & 1, g / Levels >> 1, g % Levels == 1 ? 1 : 0, g % Levels == 2 ? 1 : 0];
        string[] names = ["(Intercept)", "banner", "feed", "vote2010a", "vote2010b"];

        var design = new DesignMatrix(y.Length);
        for (int j = 0; j < names.Length; j++) design.AddColumn(names[j], group.Select(g => Row(g)[j]).ToArray());
        OlsResult qr = OrdinaryLeastSquares.Fit(design, y, type);

        ArmMoments[] moments = GroupMoments.Of(y, group, 4 * Levels, out _);
        double[] regressors = Enumerable.Range(0, 4 * Levels).SelectMany(Row).ToArray();
        AssertSameFit(qr, GroupedLeastSquares.Fit(names, regressors, moments, type));
    }

    [Theory]
    [InlineData(CovarianceType.Classical)]
    [InlineData(CovarianceType.HC0)]
    [InlineData(CovarianceType.HC1)]
    [InlineData(CovarianceType.HC2)]
    [InlineData(CovarianceType.HC3)]
    public void SmallIntegerRegressorsWithAbsorbedStrataMatchQr(CovarianceType type)
    {
        // Two count regressors (0..4) and two indicators, strata absorbed: the spillover model's shape.
        var random = new System.Random(7);
        const int N = 30_000, Strata = 40;
        var stratum = new int[N];
        var x = new double[4][];
        for (int j = 0; j < 4; j++) x[j] = new double[N];
        var y = new double[N];
        var keys = new Dictionary<(int, int, int, int, int), int>();
        var group = new int[N];
        var rows = new List<double>();
        var groupStratum = new List<int>();
        for (int i = 0; i < N; i++)
        {
            stratum[i] = random.Next(Strata);
            int d = stratum[i] % 5;
            int a = random.Next(d + 1), b = random.Next(d + 1), own = random.Next(4);
            (x[0][i], x[1][i], x[2][i], x[3][i]) = (a, b, own & 1, own >> 1);
            y[i] = random.NextDouble() < 0.5 + 0.02 * a - 0.01 * b + 0.03 * stratum[i] / Strata ? 1 : 0;
            if (!keys.TryGetValue((stratum[i], a, b, own & 1, own >> 1), out group[i]))
            {
                group[i] = keys[(stratum[i], a, b, own & 1, own >> 1)] = groupStratum.Count;
                rows.AddRange([a, b, own & 1, own >> 1]);
                groupStratum.Add(stratum[i]);
            }
        }
        string[] names = ["banner", "feed", "own_banner", "own_feed"];
        var design = new DesignMatrix(N);
        for (int j = 0; j < 4; j++) design.AddColumn(names[j], x[j]);
        OlsResult qr = OrdinaryLeastSquares.Fit(design, y, type, FixedEffects.FromCodes<int>("stratum", stratum));

        ArmMoments[] moments = GroupMoments.Of(y, group, groupStratum.Count, out _);
        AssertSameFit(qr, GroupedLeastSquares.Fit(names, rows.ToArray(), moments, type, groupStratum.ToArray()));
    }

    [Fact]
    public void SaturatedTwoGroupLeverageIsOneOverTheGroupSize()
    {
        // y ~ 1 + d: each row's leverage is 1/n_g, so HC2 is the Neyman variance s²₁/n₁ + s²₀/n₀ exactly.
        (int[] group, double[] y) = Rows(5_000, 2, seed: 3, binary: false);
        ArmMoments[] moments = GroupMoments.Of(y, group, 2, out _);
        OlsResult fit = GroupedLeastSquares.Fit(["(Intercept)", "d"], [1, 0, 1, 1], moments, CovarianceType.HC2);
        double neyman = Math.Sqrt(moments[1].VarianceY / moments[1].Count + moments[0].VarianceY / moments[0].Count);
        AssertClose(neyman, fit.StandardErrors[1], "HC2 se of d");
        AssertClose(moments[1].MeanY - moments[0].MeanY, fit.Coefficients[1], "d");
    }

    [Fact]
    public void AGroupOfOneWithItsOwnIndicatorHasLeverageOneAndIsNamed()
    {
        // Groups 2 and 3 each hold one row and have a dummy of their own: both have leverage 1; the one that comes
        // first in the caller's order is named.
        double[] y = [1, 0, 1, 0, 1, 1, 0];
        int[] group = [0, 0, 1, 1, 0, 3, 2];
        ArmMoments[] moments = GroupMoments.Of(y, group, 4, out int[] firstRow);
        double[] regressors = [1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1];
        var e = Assert.Throws<DegenerateDesignException>(() =>
            GroupedLeastSquares.Fit(["(Intercept)", "d", "a", "b"], regressors, moments, CovarianceType.HC2, order: firstRow));
        Assert.Equal(3, e.Observation);
        Assert.Equal(5, firstRow[3]);
        Assert.Throws<DegenerateDesignException>(() =>
            OrdinaryLeastSquares.Fit(new DesignMatrix(7).AddIntercept()
                .AddColumn("d", group.Select(g => g == 1 || g == 2 ? 1.0 : 0).ToArray())
                .AddColumn("a", group.Select(g => g == 2 ? 1.0 : 0).ToArray())
                .AddColumn("b", group.Select(g => g == 3 ? 1.0 : 0).ToArray()), y, CovarianceType.HC2));
    }

    [Fact]
    public void DegenerateColumnsAreReportedAsQrReportsThem()
    {
        double[] y = [1, 0, 1, 0, 1];
        int[] group = [0, 1, 0, 1, 0];
        ArmMoments[] moments = GroupMoments.Of(y, group, 2, out _);
        var zeros = Assert.Throws<DegenerateDesignException>(() => GroupedLeastSquares.Fit(["(Intercept)", "z"], [1, 0, 1, 0], moments, CovarianceType.HC1));
        Assert.Equal("column 'z' is all zeros", zeros.Message);
        var collinear = Assert.Throws<DegenerateDesignException>(() => GroupedLeastSquares.Fit(["(Intercept)", "d", "e"], [1, 0, 1, 1, 1, 1], moments, CovarianceType.HC1));
        Assert.Equal("column 'e' is a linear combination of the columns before it ('(Intercept)', 'd')", collinear.Message);
        var few = Assert.Throws<DegenerateDesignException>(() => GroupedLeastSquares.Fit(["a", "b", "c", "d", "e"], new double[10], moments, CovarianceType.HC1));
        Assert.Contains("observations cannot estimate", few.Message, StringComparison.Ordinal);
    }
}
