using GpuInference.Inference;

namespace GpuInference.Tests.Inference;

public class NullDistributionTests
{
    // Reference values: numpy.percentile (its default "linear" method is R's type 7), and checked by hand:
    // for 1..10, h = 9p, so the 2.5% quantile is x[0] + 0.225 (x[1] − x[0]) = 1.225.
    [Theory]
    [InlineData(0.005, 1.045)]
    [InlineData(0.025, 1.225)]
    [InlineData(0.975, 9.775)]
    [InlineData(0.995, 9.955)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 10.0)]
    [InlineData(0.5, 5.5)]
    public void Type7QuantilesOfOneToTen(double probability, double expected)
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(expected, NullDistribution.QuantileType7(sorted, probability), 12);
    }

    // numpy.percentile([3.1, -0.4, 7.25, 0.0, 2.2], [0, 2.5, 50, 90, 99.5, 100]).
    [Theory]
    [InlineData(0.0, -0.4)]
    [InlineData(0.025, -0.36)]
    [InlineData(0.5, 2.2)]
    [InlineData(0.9, 5.59)]
    [InlineData(0.995, 7.167)]
    [InlineData(1.0, 7.25)]
    public void Type7QuantilesOfAnUnsortedSample(double probability, double expected)
    {
        var distribution = new NullDistribution(0, [3.1, -0.4, 7.25, 0.0, 2.2]);
        Assert.Equal(expected, distribution.Quantile(probability), 12);
    }

    [Fact]
    public void NamedQuantilesMatchNumpyAndIgnoreNaN()
    {
        // numpy.percentile of the seven numbers at 0.5, 2.5, 97.5, 99.5 → -0.001094, -0.00107, 0.00108, 0.001176.
        double[] values = [0.0012, -0.0003, double.NaN, 0.0004, -0.0009, 0.0004, 0.0001, double.NaN, -0.0011];
        var distribution = new NullDistribution(0.001, values);
        Assert.Equal(-0.001094, distribution.Q005, 15);
        Assert.Equal(-0.00107, distribution.Q025, 15);
        Assert.Equal(0.00108, distribution.Q975, 15);
        Assert.Equal(0.001176, distribution.Q995, 15);
        Assert.Equal(2, distribution.NaNCount);
        Assert.Equal(7, distribution.Permutations);
        Assert.Equal(9, distribution.Drawn);
    }

    [Fact]
    public void PValuesCountTiesAsExtremeAndLeaveNaNOut()
    {
        // Observed 0.5. Valid draws: -0.5, 0.5, 0.2, -0.7, 0.1 (B = 5); one NaN.
        // |draw| ≥ 0.5: -0.5, 0.5, -0.7 → 3, p = 4/6.  draw ≥ 0.5: 0.5 → 1, p = 2/6.  draw ≤ 0.5: all 5, p = 6/6.
        var distribution = new NullDistribution(0.5, [-0.5, 0.5, 0.2, double.NaN, -0.7, 0.1]);

        Assert.Equal(1, distribution.NaNCount);
        Assert.Equal(5, distribution.Permutations);
        Assert.Equal(3, distribution.TwoSided.Count);
        Assert.Equal(4.0 / 6.0, distribution.TwoSided.Value, 15);
        Assert.Equal(1, distribution.Greater.Count);
        Assert.Equal(2.0 / 6.0, distribution.Greater.Value, 15);
        Assert.Equal(5, distribution.Less.Count);
        Assert.Equal(1.0, distribution.Less.Value, 15);
        Assert.All([distribution.TwoSided, distribution.Greater, distribution.Less], p => Assert.Equal(5, p.Permutations));
    }

    [Fact]
    public void NegativeObservedUsesMagnitudeForTwoSided()
    {
        // Observed -0.3: |draw| ≥ 0.3 for -0.4, -0.3, 0.3, 0.9 → 4; draw ≥ -0.3 for -0.3, 0.3, 0.1, 0.9 → 4;
        // draw ≤ -0.3 for -0.4, -0.3 → 2.
        var distribution = new NullDistribution(-0.3, [-0.4, -0.3, 0.3, 0.1, 0.9]);
        Assert.Equal(4, distribution.TwoSided.Count);
        Assert.Equal(4, distribution.Greater.Count);
        Assert.Equal(2, distribution.Less.Count);
        Assert.Equal(5.0 / 6.0, distribution.TwoSided.Value, 15);
        Assert.Equal(3.0 / 6.0, distribution.Less.Value, 15);
    }

    [Fact]
    public void SmallestPossiblePValueIsOneOverBPlusOne()
    {
        var draws = Enumerable.Range(0, 1000).Select(i => (i - 500) * 1e-6).ToArray();
        var distribution = new NullDistribution(0.01, draws);
        Assert.Equal(0, distribution.TwoSided.Count);
        Assert.Equal(1.0 / 1001.0, distribution.TwoSided.Value, 15);
        Assert.Equal(0.0, distribution.TwoSided.Interval.Low);
        // Clopper–Pearson upper bound for 0 of 1000: 1 − 0.025^(1/1000) = 0.0036822...
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 1000), distribution.TwoSided.Interval.High, 10);
    }

    [Fact]
    public void MeanAndStandardDeviationOfValidDraws()
    {
        var distribution = new NullDistribution(0, [2, 4, double.NaN, 4, 4, 5, 5, 7, 9]);
        Assert.Equal(5.0, distribution.Mean, 15);
        // Sum of squared deviations 32 over n − 1 = 7.
        Assert.Equal(Math.Sqrt(32.0 / 7.0), distribution.StandardDeviation, 15);
    }

    [Fact]
    public void EmptyOrAllNaNGivesNaNSummariesNotExceptions()
    {
        var distribution = new NullDistribution(0.001, [double.NaN, double.NaN]);
        Assert.Equal(0, distribution.Permutations);
        Assert.Equal(2, distribution.NaNCount);
        Assert.True(double.IsNaN(distribution.Q005));
        Assert.True(double.IsNaN(distribution.Mean));
        // With no valid permutation there is nothing to compare with: the p-value is unknown, not 1.
        Assert.True(double.IsNaN(distribution.TwoSided.Value));
        Assert.True(double.IsNaN(distribution.TwoSided.Interval.Low));
    }

    [Fact]
    public void NaNObservedGivesNaNPValues()
    {
        var distribution = new NullDistribution(double.NaN, [0.1, 0.2]);
        Assert.True(double.IsNaN(distribution.TwoSided.Value));
        Assert.True(double.IsNaN(distribution.Greater.Value));
        Assert.Equal(2, distribution.TwoSided.Permutations);
    }

    [Fact]
    public void KeepsDrawsInPermutationOrder()
    {
        double[] draws = [0.3, double.NaN, -0.1];
        var distribution = new NullDistribution(0, draws);
        Assert.Equal(draws, distribution.Values.ToArray());
        Assert.Equal(new[] { -0.1, 0.3 }, distribution.SortedValid.ToArray());
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void RejectsProbabilitiesOutsideZeroOne(double probability) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NullDistribution.QuantileType7([1.0, 2.0], probability));
}
