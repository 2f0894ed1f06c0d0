using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// y ~ z + x with the strata absorbed, against lm_robust(fixed_effects = ~ stratum): the residual df subtracts the
/// groups and HC2/HC3 use the full model's leverages, so these differ from a naive within regression.
/// </summary>
public sealed class FixedEffectsTests
{
    private static OlsResult Fit(CovarianceType type)
    {
        ReferenceData r = ReferenceData.Shared;
        var design = new DesignMatrix(r.Rows).AddIndicator("z", r.Z.AsSpan(), true).AddColumn("x", r.X);
        return OrdinaryLeastSquares.Fit(design, r.Y, type, FixedEffects.FromCodes("stratum", r.Stratum.AsSpan()));
    }

    [Theory]
    [InlineData(CovarianceType.Classical, "classical")]
    [InlineData(CovarianceType.HC0, "HC0")]
    [InlineData(CovarianceType.HC1, "HC1")]
    [InlineData(CovarianceType.HC2, "HC2")]
    [InlineData(CovarianceType.HC3, "HC3")]
    public void MatchesLmRobustWithFixedEffects(CovarianceType type, string label)
    {
        ReferenceAssert.MatchesFit(Fit(type), $"fe.{label}");
    }

    [Fact]
    public void AbsorbingEqualsDummyRegression()
    {
        // Frisch–Waugh–Lovell: the same coefficient and HC2 error as the dummy-variable regression, by our own code.
        ReferenceData r = ReferenceData.Shared;
        string[] levels = ["0", "1", "2", "3"];
        var dummies = new DesignMatrix(r.Rows)
            .AddIntercept()
            .AddIndicator("z", r.Z.AsSpan(), true)
            .AddColumn("x", r.X)
            .AddDummies("stratum", r.Stratum.AsSpan(), levels, baseline: 0);
        OlsResult full = OrdinaryLeastSquares.Fit(dummies, r.Y, CovarianceType.HC2);
        OlsResult absorbed = Fit(CovarianceType.HC2);
        ReferenceAssert.Close(full.Estimate("z").Value, absorbed.Estimate("z").Value, "z");
        ReferenceAssert.Close(full.Estimate("z").StandardError, absorbed.Estimate("z").StandardError, "se(z)");
        Assert.Equal(full.ResidualDegreesOfFreedom, absorbed.ResidualDegreesOfFreedom);
    }
}
