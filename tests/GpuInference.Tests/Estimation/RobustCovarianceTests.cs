using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>y ~ z + x with every covariance type, against estimatr::lm_robust and sandwich::vcovHC.</summary>
public sealed class RobustCovarianceTests
{
    private static OlsResult Fit(CovarianceType type)
    {
        ReferenceData r = ReferenceData.Shared;
        var design = new DesignMatrix(r.Rows)
            .AddIntercept()
            .AddIndicator("z", r.Z.AsSpan(), true)
            .AddColumn("x", r.X);
        return OrdinaryLeastSquares.Fit(design, r.Y, type);
    }

    [Theory]
    [InlineData(CovarianceType.Classical, "classical")]
    [InlineData(CovarianceType.HC0, "HC0")]
    [InlineData(CovarianceType.HC1, "HC1")]
    [InlineData(CovarianceType.HC2, "HC2")]
    [InlineData(CovarianceType.HC3, "HC3")]
    public void MatchesLmRobust(CovarianceType type, string label)
    {
        ReferenceAssert.MatchesFit(Fit(type), $"ols.{label}");
    }

    [Theory]
    [InlineData(CovarianceType.HC0, "HC0")]
    [InlineData(CovarianceType.HC1, "HC1")]
    [InlineData(CovarianceType.HC2, "HC2")]
    [InlineData(CovarianceType.HC3, "HC3")]
    public void OffDiagonalCovarianceMatchesSandwich(CovarianceType type, string label)
    {
        OlsResult fit = Fit(type);
        ReferenceData r = ReferenceData.Shared;
        ReferenceAssert.Close(r[$"sandwich.{label}.cov.z.x"], fit.Covariance("z", "x"), "cov(z, x)");
        ReferenceAssert.Close(r[$"sandwich.{label}.cov.(Intercept).z"], fit.Covariance("(Intercept)", "z"), "cov(intercept, z)");
        double[,] matrix = fit.CovarianceMatrix();
        Assert.Equal(matrix[1, 2], matrix[2, 1]);
    }
}
