using GpuInference.Inference;

namespace GpuInference.Tests.Inference;

public class PValueTests
{
    // Reference values: R binom.test(x, n)$conf.int, and scipy.stats.beta.ppf with the same parameters.
    [Theory]
    [InlineData(0, 10, 0.0, 0.3084971078187608)]
    [InlineData(5, 10, 0.18708602844739855, 0.8129139715526015)]
    [InlineData(10, 10, 0.6915028921812392, 1.0)]
    [InlineData(3, 5, 0.14663279963467313, 0.9472550494736831)]
    [InlineData(1, 1000, 2.5317487491294045e-05, 0.005558924279826672)]
    [InlineData(26, 1000, 0.017052786345629428, 0.037865122478921445)]
    public void ClopperPearsonMatchesReference(long successes, long trials, double low, double high)
    {
        PValueInterval interval = PValueInterval.ClopperPearson(successes, trials);
        Assert.Equal(low, interval.Low, 9);
        Assert.Equal(high, interval.High, 9);
        Assert.Equal(0.95, interval.Level);
    }

    [Fact]
    public void ClopperPearsonOfNoTrialsIsUnknown()
    {
        PValueInterval interval = PValueInterval.ClopperPearson(0, 0);
        Assert.True(double.IsNaN(interval.Low));
        Assert.True(double.IsNaN(interval.High));
    }

    [Fact]
    public void ClopperPearsonRejectsImpossibleCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PValueInterval.ClopperPearson(11, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => PValueInterval.ClopperPearson(-1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => PValueInterval.ClopperPearson(1, 10, level: 1.0));
    }

    [Fact]
    public void FromCountAddsOneToBoth()
    {
        PValue p = PValue.FromCount(26, 1000);
        Assert.Equal(27.0 / 1001.0, p.Value, 15);
        Assert.Equal(26, p.Count);
        Assert.Equal(1000, p.Permutations);
        Assert.Equal(0.017052786345629428, p.Interval.Low, 9);
    }
}
