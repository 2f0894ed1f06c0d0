using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Model;

/// <summary>Every exposure kind against a brute-force computation from the edge list, on a graph with a hub, isolated people and tie weights.</summary>
public sealed class ExposureTermsTests
{
    private static readonly VillageData Data = VillageData.Create(people: 301, seed: 41);

    [Theory]
    [InlineData("count(t)")]
    [InlineData("share(t)")]
    [InlineData("any(t)")]
    [InlineData("atleast(t, 2)")]
    [InlineData("wsum(t)")]
    [InlineData("wshare(t)")]
    [InlineData("count(arm==2)")]
    [InlineData("share(arm==0)")]
    public void ExposureMatchesBruteForce(string term)
    {
        bool arm = term.Contains("arm", StringComparison.Ordinal);
        CompiledModel model = Data.Compile($"y ~ {term} + x1", arm ? "arm" : "t");
        var drawn = model.ObservedCodes;
        var values = new double[model.UnitCount];
        model.Moving.Single().Evaluate(model.Graph, model.UnitNodes, drawn, values);

        double[] t = arm ? Data.Table["arm"].Numbers! : Data.Table["t"].Numbers!;
        double armValue = term.Contains("==2", StringComparison.Ordinal) ? 2 : 0;
        bool Treated(int node) => arm ? t[node] == armValue : t[node] == 1;
        for (int i = 0; i < model.UnitCount; i++)
        {
            int node = model.UnitNodes[i];
            var friends = Data.EdgeList.Where(e => e.Src == node).ToList();
            int count = friends.Count(e => Treated(e.Dst));
            double weight = friends.Sum(e => e.Weight), treatedWeight = friends.Where(e => Treated(e.Dst)).Sum(e => e.Weight);
            double expected = term switch
            {
                _ when term.StartsWith("count", StringComparison.Ordinal) => count,
                _ when term.StartsWith("share", StringComparison.Ordinal) => friends.Count == 0 ? 0 : (double)count / friends.Count,
                "any(t)" => count > 0 ? 1 : 0,
                "atleast(t, 2)" => count >= 2 ? 1 : 0,
                "wsum(t)" => treatedWeight,
                _ => weight == 0 ? 0 : treatedWeight / weight,
            };
            Assert.True(Math.Abs(expected - values[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{term}, node {node}: expected {expected}, got {values[i]}");
        }
        Assert.Contains(model.UnitNodes, n => Data.EdgeList.All(e => e.Src != n)); // isolated units are covered
        Assert.Contains(model.UnitNodes, n => n == 0);                            // and the hub
    }

    [Fact]
    public void UnitsWithNoFriendsAreNoted()
    {
        CompiledModel model = Data.Compile("y ~ share(t) + x1", "t");
        Assert.Contains(model.Notes, n => n.Contains("no friends", StringComparison.Ordinal) && n.Contains("share() and wshare() are defined as 0", StringComparison.Ordinal));
    }

    [Fact]
    public void ListwiseDeletionAndDummies()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + grp + x1", "t");
        int blank = Enumerable.Range(0, Data.Table.Rows).Count(r => Data.Table["y"].IsMissing(r));
        Assert.True(blank > 0);
        Assert.Equal(blank, model.RowsDropped);
        Assert.Equal(["(Intercept)", "grp=b", "grp=c", "x1"], model.FixedNames);
    }

    [Fact]
    public void ATreatmentThatIsNotZeroOneNeedsAnArmTest()
    {
        var error = Assert.Throws<ModelCompilationException>(() => Data.Compile("y ~ count(arm)", "arm"));
        Assert.Equal("term count(arm): 'arm' is not 0/1 (values 0, 1, 2); test one arm, e.g. count(arm==2)", error.Message);
    }
}
