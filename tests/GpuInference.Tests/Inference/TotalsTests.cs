using GpuInference.Inference;

namespace GpuInference.Tests.Inference;

public class TotalsTests
{
    // The paper's numbers (Jones et al. 2017, Results): ATE 0.0024, 0.001 per close friend, 5 close friends,
    // 14.5 million treated and matched, 40% of registered voters available for matching.
    private static readonly Totals Paper = new(
        AverageTreatmentEffect: 0.0024, PerFriendEffect: 0.001, MeanCloseFriends: 5, TreatedMatched: 14.5e6, MatchFraction: 0.40);

    [Fact]
    public void DirectTotalIsAboutNinetyThousand()
    {
        // 0.0024 × 14,500,000 / 0.40 = 87,000: the paper's "about 90,000".
        Assert.Equal(87_000, Paper.Direct, 6);
    }

    [Fact]
    public void IndirectTotalIsAboutOneHundredEightyThousand()
    {
        // 0.001 × 5 × 14,500,000 / 0.40 = 181,250: the paper's "180,000".
        Assert.Equal(181_250, Paper.Indirect, 6);
        Assert.Equal(268_250, Paper.Total, 6);
    }

    [Fact]
    public void MultiplierIsAboutTwo()
    {
        // 5 × 0.001 / 0.0024 = 2.0833: "≈ 2 friends" per person directly motivated.
        Assert.Equal(5 * 0.001 / 0.0024, Paper.Multiplier, 12);
        Assert.Equal(2.0833, Paper.Multiplier, 4);
        // The indirect total is the direct total times the multiplier, by construction.
        Assert.Equal(Paper.Direct * Paper.Multiplier, Paper.Indirect, 6);
    }

    [Fact]
    public void IndirectShareIsAboutTwoThirds()
    {
        // The paper: "the indirect effect accounted for about 67% of the total effect in 2012".
        Assert.Equal(181_250.0 / 268_250.0, Paper.IndirectShare, 12);
        Assert.InRange(Paper.IndirectShare, 0.67, 0.68);
    }
}
