using GpuInference.Design.Randomization;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>
/// A permutation listed as its changes from a baseline code (what the batched engine uses to fill its words) is the
/// drawn permutation itself, for every permutation design (a large block through the bijection, small blocks through
/// the shuffle, clusters of several sizes) and every baseline.
/// </summary>
public sealed class DesignChangesTests
{
    public static TheoryData<string> Designs() => new(DesignInvariantTests.Designs().Where(d => !d.Bernoulli).Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Designs))]
    public void ChangesFromTheBaselineRebuildTheDraw(string name)
    {
        var (_, codes, blocks, clusters, _) = DesignInvariantTests.Designs().Single(d => d.Name == name);
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters);
        Assert.True(design.ListsChanges);
        var drawn = new int[codes.Length];
        for (int baseline = 0; baseline < design.CodeCount; baseline++)
        {
            int capacity = design.ChangeCapacity(baseline);
            var units = new int[capacity];
            var changed = new int[capacity];
            for (long b = 0; b < 12; b++)
            {
                design.Draw(31, b, drawn);
                int count = design.DrawChanges(31, b, baseline, units, changed);
                var rebuilt = Enumerable.Repeat(baseline, codes.Length).ToArray();
                for (int t = 0; t < count; t++) rebuilt[units[t]] = changed[t];
                Assert.Equal(drawn, rebuilt);
                Assert.Equal(count, units.Take(count).Distinct().Count());
                Assert.Equal(drawn.Count(c => c != baseline), changed.Take(count).Count(c => c != baseline));
            }
        }
    }

    [Fact]
    public void BernoulliDesignsDoNotListChanges()
    {
        var (_, codes, blocks, clusters, _) = DesignInvariantTests.Designs().First(d => d.Bernoulli);
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters, bernoulli: true);
        Assert.False(design.ListsChanges);
        Assert.Throws<InvalidOperationException>(() => design.DrawChanges(1, 0, 0, new int[codes.Length], new int[codes.Length]));
    }
}
