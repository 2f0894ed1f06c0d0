using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>Designs that cannot be fitted fail with the column named, never with NaN.</summary>
public sealed class DegenerateDesignTests
{
    private static readonly double[] Y = [1.0, 2.5, 2.0, 4.0, 3.5, 6.0, 5.0, 8.5];

    [Fact]
    public void TooFewRowsIsADegenerateDesign()
    {
        var design = new DesignMatrix(2).AddIntercept().AddColumn("both", [0.0, 1.0]);
        var error = Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, [0.0, 1.0], CovarianceType.HC2));
        Assert.Equal("2 observations cannot estimate 2 parameters with residual degrees of freedom left", error.Message);
    }

    [Fact]
    public void ColumnConstantWithinStrataIsNamed()
    {
        // 'banner' is 1 in stratum 0 and 0 in stratum 1: the strata fixed effects explain all of it.
        var design = new DesignMatrix(8)
            .AddColumn("x", [1, 2, 3, 4, 5, 6, 7, 9])
            .AddColumn("banner", [1, 1, 1, 1, 0, 0, 0, 0]);
        var strata = FixedEffects.FromCodes("vote2010", new int[] { 0, 0, 0, 0, 1, 1, 1, 1 }.AsSpan());
        var error = Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, Y, CovarianceType.HC2, strata));
        Assert.Equal("banner", error.Column);
        Assert.Equal("column 'banner' has no variation within strata of 'vote2010'", error.Message);
    }

    [Fact]
    public void CollinearColumnIsNamed()
    {
        var design = new DesignMatrix(8)
            .AddIntercept()
            .AddColumn("x", [1, 2, 3, 4, 5, 6, 7, 9])
            .AddColumn("twice x plus one", [3, 5, 7, 9, 11, 13, 15, 19]);
        var error = Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, Y, CovarianceType.Classical));
        Assert.Equal("twice x plus one", error.Column);
        Assert.Contains("linear combination of the columns before it ('(Intercept)', 'x')", error.Message);
    }

    [Fact]
    public void InterceptWithFixedEffectsIsNamed()
    {
        var design = new DesignMatrix(8).AddIntercept().AddColumn("x", [1, 2, 3, 4, 5, 6, 7, 9]);
        var strata = FixedEffects.FromCodes("stratum", new int[] { 0, 0, 0, 0, 1, 1, 1, 1 }.AsSpan());
        var error = Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, Y, CovarianceType.Classical, strata));
        Assert.Equal(DesignMatrix.InterceptName, error.Column);
    }

    [Fact]
    public void AllZeroColumnIsNamed()
    {
        var design = new DesignMatrix(8).AddIntercept().AddColumn("feed", new double[8]);
        var error = Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, Y, CovarianceType.HC1));
        Assert.Equal("feed", error.Column);
    }

    [Fact]
    public void SingletonGroupMakesHc2Undefined()
    {
        var design = new DesignMatrix(8).AddColumn("x", [1, 2, 3, 4, 5, 6, 7, 9]);
        var strata = FixedEffects.FromCodes("stratum", new int[] { 0, 0, 0, 0, 1, 1, 1, 2 }.AsSpan());
        var error = Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, Y, CovarianceType.HC2, strata));
        Assert.Contains("leverage 1", error.Message);
        // HC1 has no leverage in it and stays defined.
        Assert.True(double.IsFinite(OrdinaryLeastSquares.Fit(design, Y, CovarianceType.HC1, strata).StandardErrors[0]));
    }
}
