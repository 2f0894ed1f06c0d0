using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>Against estimatr::difference_in_means(y ~ z, blocks = stratum).</summary>
public sealed class PostStratificationTests
{
    [Fact]
    public void MatchesBlockedDifferenceInMeans()
    {
        ReferenceData r = ReferenceData.Shared;
        Estimate estimate = PostStratification.Estimate(r.Y, r.Z, r.Stratum.AsSpan());
        ReferenceAssert.Matches(estimate, "ps");
    }

    [Fact]
    public void StratumWithOneTreatedUnitIsNamed()
    {
        double[] y = [1, 2, 3, 4, 5, 6, 7, 8];
        bool[] z = [true, true, false, false, true, false, false, false];
        int[] strata = [0, 0, 0, 0, 1, 1, 1, 1];
        var error = Assert.Throws<DegenerateDesignException>(() => PostStratification.Estimate(y, z, strata.AsSpan()));
        Assert.Equal("stratum 1", error.Column);
        Assert.Contains("1 treated", error.Message);
    }
}
