using GpuInference.Design.Randomization;
using GpuInference.Estimation;
using GpuInference.Inference.Models;
using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The general randomization test permutation by permutation against a plain reference: draw the design, rebuild
/// the whole design matrix, refit by the library's QR least squares, and take the coefficient, the studentized
/// coefficient and the joint Wald statistic from that fit.
/// </summary>
public sealed class RandomizationTestTests
{
    private static readonly VillageData Data = VillageData.Create(people: 240, seed: 47);

    [Theory]
    [InlineData(TestStatistic.Coefficient, "HC1")]
    [InlineData(TestStatistic.Coefficient, "CR1")]
    [InlineData(TestStatistic.Studentized, "HC1")]
    [InlineData(TestStatistic.Studentized, "HC2")]
    [InlineData(TestStatistic.Studentized, "CR1")]
    public void EveryPermutationMatchesAFullRefit(TestStatistic statistic, string type)
    {
        CompiledModel model = Data.Compile("y ~ share(t) + t + x1 | village", "t");
        int[] sessions = Ids("session");
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"), sessions);
        int[]? unitClusters = type == "CR1" ? [.. model.UnitNodes.Select(n => sessions[n])] : null;
        int[]? dense = unitClusters is null ? null : Dense(unitClusters);
        PermutationCovariance covariance = dense is null ? PermutationCovariance.Heteroskedastic(type) : new PermutationCovariance(type, dense, dense.Max() + 1, "session");
        const ulong seed = 20240611;
        RandomizationResult result = RandomizationTest.Run(model, (b, drawn) => design.Draw(seed, b, drawn), seed, 40, statistic, covariance);

        Assert.Equal(3, result.Statistics.Count); // share(t), t, and the joint Wald
        // The coefficients' Wald statistic weights every permutation by the observed fit's covariance; the studentized
        // one by the permutation's own.
        OlsResult observed = Refit(model, model.ObservedCodes, Enum.Parse<CovarianceType>(type), dense);
        var drawn = new int[model.ObservedCodes.Length];
        for (int b = 0; b < 40; b++)
        {
            design.Draw(seed, b, drawn);
            OlsResult fit = Refit(model, drawn, Enum.Parse<CovarianceType>(type), dense);
            OlsResult weights = statistic == TestStatistic.Coefficient ? observed : fit;
            for (int t = 0; t < 2; t++)
            {
                string name = result.Statistics[t].Name;
                Estimate e = fit.Estimate(name);
                double expected = statistic == TestStatistic.Coefficient ? e.Value : e.Value / e.StandardError;
                Close(expected, result.Statistics[t].Null.Values[b], $"permutation {b}, {name}");
            }
            double[,] v = { { weights.Covariance("share(t)", "share(t)"), weights.Covariance("share(t)", "t") }, { weights.Covariance("t", "share(t)"), weights.Covariance("t", "t") } };
            double b1 = fit.Estimate("share(t)").Value, b2 = fit.Estimate("t").Value;
            double det = v[0, 0] * v[1, 1] - v[0, 1] * v[1, 0];
            double wald = (b1 * b1 * v[1, 1] - 2 * b1 * b2 * v[0, 1] + b2 * b2 * v[0, 0]) / det;
            Close(wald, result.Statistics[2].Null.Values[b], $"permutation {b}, Wald");
        }
    }

    /// <summary>Given the observed covariance (here CR2, which permutations never recompute), the coefficients' Wald weights every permutation by its inverse.</summary>
    [Fact]
    public void TheCoefficientsWaldTakesTheGivenCovariance()
    {
        CompiledModel model = Data.Compile("y ~ share(t) + t + x1 | village", "t");
        int[] sessions = Ids("session");
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"), sessions);
        int[] dense = Dense([.. model.UnitNodes.Select(n => sessions[n])]);
        OlsResult observed = Refit(model, model.ObservedCodes, CovarianceType.CR2, dense);
        Assert.Equal(["share(t)", "t"], model.Moving.Select(m => m.Name));
        double[] given = [observed.Covariance("share(t)", "share(t)"), observed.Covariance("share(t)", "t"), observed.Covariance("t", "share(t)"), observed.Covariance("t", "t")];
        double det = given[0] * given[3] - given[1] * given[2];
        double Quadratic(double b1, double b2) => (b1 * b1 * given[3] - 2 * b1 * b2 * given[1] + b2 * b2 * given[0]) / det;
        const ulong seed = 77;
        RandomizationResult result = RandomizationTest.Run(model, (b, drawn) => design.Draw(seed, b, drawn), seed, 30, TestStatistic.Coefficient,
            PermutationCovariance.Heteroskedastic("HC1"), jointCovariance: given);
        Close(Quadratic(observed.Estimate("share(t)").Value, observed.Estimate("t").Value), result.Statistics[2].Null.Observed, "observed Wald");
        for (int b = 0; b < 30; b++) Close(Quadratic(result.Statistics[0].Null.Values[b], result.Statistics[1].Null.Values[b]), result.Statistics[2].Null.Values[b], $"permutation {b}, Wald");
        Assert.Throws<ArgumentException>(() => RandomizationTest.Run(model, (b, drawn) => design.Draw(seed, b, drawn), seed, 30, TestStatistic.Coefficient,
            PermutationCovariance.Heteroskedastic("HC1"), jointCovariance: [1.0]));
    }

    [Fact]
    public void TheNullDoesNotDependOnTheThreadCount()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + t + x1 | village", "t");
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"));
        RandomizationResult one = RandomizationTest.Run(model, (b, d) => design.Draw(5, b, d), 5, 64, TestStatistic.Studentized, PermutationCovariance.Heteroskedastic("HC2"), threads: 1);
        RandomizationResult two = RandomizationTest.Run(model, (b, d) => design.Draw(5, b, d), 5, 64, TestStatistic.Studentized, PermutationCovariance.Heteroskedastic("HC2"), threads: 3);
        for (int s = 0; s < one.Statistics.Count; s++)
        {
            Assert.Equal(one.Statistics[s].Null.Values.ToArray().Select(BitConverter.DoubleToInt64Bits), two.Statistics[s].Null.Values.ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
    }

    /// <summary>The observed statistic is a value of the null when the identity is drawn, so the p-value's floor is 1/(1+B).</summary>
    [Fact]
    public void ADesignWithOneAssignmentGivesPOne()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + t + x1", "t");
        RandomizationResult result = RandomizationTest.Run(model, (b, d) => model.ObservedCodes.CopyTo(d), 1, 9, TestStatistic.Coefficient, PermutationCovariance.Heteroskedastic("HC1"));
        Assert.All(result.Statistics, s => Assert.Equal(1.0, s.Null.TwoSided.Value));
    }

    /// <summary>A second fixed effect enters as its dummies: the same fit as writing the column as a categorical covariate.</summary>
    [Fact]
    public void ASecondFixedEffectIsTheSameAsItsDummies()
    {
        CompiledModel twoEffects = Data.Compile("y ~ share(t) + t + x1 | village + grp", "t");
        CompiledModel dummies = Data.Compile("y ~ share(t) + t + x1 + grp | village", "t");
        Assert.Equal(["grp=b", "grp=c"], twoEffects.Nuisance);
        Assert.Equal("village + grp", twoEffects.FixedEffectName);
        Assert.Contains(twoEffects.Notes, n => n.StartsWith("fixed effect grp enters as 2 dummies", StringComparison.Ordinal));
        RandomizedDesign design = AssignmentDesigns.Declare(twoEffects.ObservedCodes, Ids("village"));
        RandomizationResult a = RandomizationTest.Run(twoEffects, (b, d) => design.Draw(8, b, d), 8, 20, TestStatistic.Studentized, PermutationCovariance.Heteroskedastic("HC2"));
        RandomizationResult b = RandomizationTest.Run(dummies, (b, d) => design.Draw(8, b, d), 8, 20, TestStatistic.Studentized, PermutationCovariance.Heteroskedastic("HC2"));
        for (int s = 0; s < a.Statistics.Count; s++)
        {
            Assert.Equal(b.Statistics[s].Null.Observed, a.Statistics[s].Null.Observed);
            Assert.Equal(b.Statistics[s].Null.Values.ToArray(), a.Statistics[s].Null.Values.ToArray());
        }
    }

    /// <summary>
    /// A fixed effect nested in the absorbed one (villages, given sessions) adds nothing: its dummies are left out as
    /// redundant, with a note, and the test is the one of the absorbed fixed effect alone, bit for bit.
    /// </summary>
    [Fact]
    public void ANestedFixedEffectIsLeftOutAsRedundant()
    {
        CompiledModel nested = Data.Compile("y ~ share(t) + x1 | session + village", "t");
        CompiledModel alone = Data.Compile("y ~ share(t) + x1 | session", "t");
        Assert.Empty(nested.Nuisance);
        Assert.Equal(alone.FixedNames, nested.FixedNames);
        int villages = Data.Table["village"].Levels.Count();
        Assert.Contains($"fixed effect village adds nothing to session: its {villages - 1} dummies are redundant given the other fixed effects (it nests in them) and left out", nested.Notes);
        RandomizedDesign design = AssignmentDesigns.Declare(nested.ObservedCodes, Ids("village"), Ids("session"));
        RandomizationResult a = RandomizationTest.Run(nested, (b, d) => design.Draw(6, b, d), 6, 20, TestStatistic.Studentized, PermutationCovariance.Heteroskedastic("HC2"));
        RandomizationResult b = RandomizationTest.Run(alone, (b, d) => design.Draw(6, b, d), 6, 20, TestStatistic.Studentized, PermutationCovariance.Heteroskedastic("HC2"));
        for (int s = 0; s < a.Statistics.Count; s++)
        {
            Assert.Equal(b.Statistics[s].Null.Observed, a.Statistics[s].Null.Observed);
            Assert.Equal(b.Statistics[s].Null.Values.ToArray(), a.Statistics[s].Null.Values.ToArray());
        }
    }

    private static OlsResult Refit(CompiledModel model, int[] drawn, CovarianceType type, int[]? clusters)
    {
        var x = new DesignMatrix(model.UnitCount);
        foreach (ModelTerm term in model.Terms)
        {
            if (!term.Moves) x.AddColumn(model.FixedNames[term.Index], model.Fixed[term.Index]);
            else
            {
                var values = new double[model.UnitCount];
                model.Moving[term.Index].Evaluate(model.Graph, model.UnitNodes, drawn, values);
                x.AddColumn(term.Name, values);
            }
        }
        var fe = FixedEffects.FromCodes("village", model.FixedEffect.AsSpan());
        return clusters is null ? OrdinaryLeastSquares.Fit(x, model.Outcome, type, fe)
            : OrdinaryLeastSquares.Fit(x, model.Outcome, type, fe, Clusters.FromIds("session", clusters.AsSpan()));
    }

    private static int[] Ids(string column) => [.. Data.Table[column].Codes!];

    private static int[] Dense(int[] ids)
    {
        var map = new Dictionary<int, int>();
        return [.. ids.Select(i => map.TryGetValue(i, out int d) ? d : map[i] = map.Count)];
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-8 * Math.Max(Math.Abs(expected), 1e-12), $"{what}: reference {expected:R}, test {actual:R}");
}
