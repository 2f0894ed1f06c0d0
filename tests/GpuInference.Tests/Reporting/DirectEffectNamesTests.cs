using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

public class DirectEffectNamesTests
{
    [Fact]
    public void EffectsWithinOneVote2010LevelHaveReadableLabels()
    {
        Assert.Equal("factorial_banner_vote2010_voted", DirectEffectNames.FactorialWithin("banner", "voted"));
        Assert.Equal("Banner (factorial, 2010 turnout 'voted' only)", DirectEffectNames.Label(DirectEffectNames.FactorialWithin("banner", "voted")));
        Assert.Equal("Feed (factorial, 2010 turnout 'unknown' only)", DirectEffectNames.Label(DirectEffectNames.FactorialWithin("feed", "unknown")));
        Assert.Contains("'abstained'", DirectEffectNames.Explanation(DirectEffectNames.FactorialWithin("feed", "abstained")), StringComparison.Ordinal);
        Assert.Equal("something else", DirectEffectNames.Label("something else"));
    }
}
