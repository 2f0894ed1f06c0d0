using MathNet.Numerics.Distributions;

namespace GpuInference.Estimation;

/// <summary>
/// One estimated quantity with its standard error, a 95% confidence interval and a two-sided p-value for the
/// hypothesis that the quantity is zero.
/// </summary>
/// <param name="Value">The point estimate.</param>
/// <param name="StandardError">Its estimated standard error.</param>
/// <param name="CiLow">Lower end of the 95% confidence interval.</param>
/// <param name="CiHigh">Upper end of the 95% confidence interval.</param>
/// <param name="P">Two-sided p-value of Value / StandardError.</param>
public readonly record struct Estimate(double Value, double StandardError, double CiLow, double CiHigh, double P)
{
    /// <summary>The coverage of every interval this type builds.</summary>
    public const double Level = 0.95;

    /// <summary>
    /// Builds the interval and p-value from Student's t with <paramref name="degreesOfFreedom"/>, as estimatr reports
    /// them: Value ± t(0.975, df)·SE and p = 2·P(T &gt; |Value/SE|). An infinite df gives the normal reference.
    /// </summary>
    public static Estimate FromT(double value, double standardError, double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0)) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "must be positive");
        if (double.IsPositiveInfinity(degreesOfFreedom)) return FromNormal(value, standardError);
        double critical = StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - (1 - Level) / 2);
        // The lower tail at −|t| keeps full relative precision for tiny p-values, where 1 − CDF(|t|) would cancel.
        double p = 2 * StudentT.CDF(0, 1, degreesOfFreedom, -Math.Abs(value / standardError));
        return new Estimate(value, standardError, value - critical * standardError, value + critical * standardError, p);
    }

    /// <summary>Builds the interval and p-value from the standard normal (large-sample, e.g. delta-method, inference).</summary>
    public static Estimate FromNormal(double value, double standardError)
    {
        double critical = Normal.InvCDF(0, 1, 1 - (1 - Level) / 2);
        double p = 2 * Normal.CDF(0, 1, -Math.Abs(value / standardError));
        return new Estimate(value, standardError, value - critical * standardError, value + critical * standardError, p);
    }
}
