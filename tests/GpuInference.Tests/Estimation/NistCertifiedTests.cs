using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// The NIST StRD linear-regression problems: coefficients, their standard deviations, the residual standard
/// deviation and R², against the certified values. Digits are counted as NIST does, by relative error.
/// </summary>
public sealed class NistCertifiedTests
{
    public enum Model
    {
        /// <summary>y = B1·x, no intercept.</summary>
        ThroughOrigin,

        /// <summary>y = B0 + B1·x + … + Bd·x^d.</summary>
        Polynomial,

        /// <summary>y = B0 + B1·x1 + … + Bm·xm.</summary>
        Linear,
    }

    [Theory]
    [InlineData("Norris", Model.Polynomial, 1, 9)]
    [InlineData("Pontius", Model.Polynomial, 2, 9)]
    [InlineData("NoInt1", Model.ThroughOrigin, 1, 9)]
    [InlineData("NoInt2", Model.ThroughOrigin, 1, 9)]
    [InlineData("Longley", Model.Linear, 6, 7)]
    [InlineData("Wampler1", Model.Polynomial, 5, 9)]
    [InlineData("Wampler2", Model.Polynomial, 5, 9)]
    [InlineData("Wampler3", Model.Polynomial, 5, 9)]
    public void MatchesCertifiedValues(string name, Model model, int terms, int digits)
    {
        NistDataSet data = NistDataSet.Load(name);
        DesignMatrix design = Build(data, model, terms);
        Assert.Equal(data.Coefficients.Length, design.ColumnCount);

        OlsResult fit = OrdinaryLeastSquares.Fit(design, data.Y, CovarianceType.Classical);

        double tolerance = Math.Pow(10, -digits);
        // Where the certified value is exactly zero (the exact fits of Wampler1 and 2) there is no relative error to
        // take; the computed value must then be rounding noise on the scale of y.
        double yScale = data.Y.Max(Math.Abs);
        for (int j = 0; j < data.Coefficients.Length; j++)
        {
            AssertClose(data.Coefficients[j], fit.Coefficients[j], tolerance, yScale, $"{name} B{j}");
            AssertClose(data.StandardDeviations[j], fit.StandardErrors[j], tolerance, yScale, $"{name} sd(B{j})");
        }
        AssertClose(data.ResidualStandardDeviation, fit.ResidualStandardError, tolerance, yScale, $"{name} residual SD");
        AssertClose(data.RSquared, fit.RSquared, tolerance, yScale, $"{name} R²");
    }

    private static DesignMatrix Build(NistDataSet data, Model model, int terms)
    {
        var design = new DesignMatrix(data.Rows.Length);
        if (model != Model.ThroughOrigin) design.AddIntercept();
        if (model == Model.Linear)
        {
            for (int m = 0; m < terms; m++) design.AddColumn($"x{m + 1}", data.Predictor(m));
            return design;
        }
        double[] x = data.Predictor(0);
        for (int power = 1; power <= terms; power++)
        {
            int p = power;
            design.AddColumn(power == 1 ? "x" : $"x^{power}", x.Select(v => Math.Pow(v, p)).ToArray());
        }
        return design;
    }

    private static void AssertClose(double certified, double actual, double tolerance, double scale, string what)
    {
        double error = certified == 0 ? Math.Abs(actual) / scale : Math.Abs(actual - certified) / Math.Abs(certified);
        Assert.True(error <= tolerance, $"{what}: certified {certified:R}, got {actual:R} (relative error {error:E2}, allowed {tolerance:E0})");
    }
}
