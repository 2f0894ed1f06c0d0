using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>Comparisons with the R reference values, by relative error.</summary>
internal static class ReferenceAssert
{
    /// <summary>
    /// Tolerance for values computed by the same formula in both languages: a few hundred ulps of rounding, well
    /// below any difference a wrong formula (a different df, leverage or weight) would make.
    /// </summary>
    public const double Tight = 1e-10;

    public static void Close(double expected, double actual, string what, double tolerance = Tight)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        Assert.True(error <= tolerance, $"{what}: R gives {expected:R}, we give {actual:R} (relative error {error:E2})");
    }

    /// <summary>Compares all five fields of an estimate with R's "prefix.estimate/.se/.ci_low/.ci_high/.p".</summary>
    public static void Matches(Estimate estimate, string prefix)
    {
        ReferenceData r = ReferenceData.Shared;
        Close(r[prefix + ".estimate"], estimate.Value, prefix + " estimate");
        Close(r[prefix + ".se"], estimate.StandardError, prefix + " standard error");
        Close(r[prefix + ".ci_low"], estimate.CiLow, prefix + " CI low");
        Close(r[prefix + ".ci_high"], estimate.CiHigh, prefix + " CI high");
        // p comes from an incomplete beta in each library; 1e-9 still tells a wrong df apart.
        Close(r[prefix + ".p"], estimate.P, prefix + " p", 1e-9);
    }

    /// <summary>Every coefficient, its SE, CI and p, the residual df and R² of a fit, against R's values under a key prefix.</summary>
    public static void MatchesFit(OlsResult fit, string prefix)
    {
        ReferenceData r = ReferenceData.Shared;
        foreach (string name in fit.Names) Matches(fit.Estimate(name), $"{prefix}.{name}");
        Assert.Equal(r[$"{prefix}.df"], fit.ResidualDegreesOfFreedom);
        Close(r[$"{prefix}.r2"], fit.RSquared, "R²");
    }
}
