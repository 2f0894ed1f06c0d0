using GpuInference.Model.Formula;

namespace GpuInference.Tests.Model;

/// <summary>Formula → response, normalised term names, fixed effects and intercept, as a table.</summary>
public sealed class FormulaTermsTests
{
    private const string Paper = "voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010";
    private const string Villages = "takeup ~ share(intensive) + intensive + age + male | village";

    [Theory]
    [InlineData(Paper, "voted", "count(banner) ; count(feed) ; banner ; feed", "degree^vote2010", false)]
    [InlineData(Villages, "takeup", "share(intensive) ; intensive ; age ; male", "village", false)]
    [InlineData("y~x", "y", "x", "", true)]
    [InlineData("  y  ~  share( intensive )  +  a : b  ", "y", "share(intensive) ; a:b", "", true)]
    [InlineData("y ~ count(arm==2) + count(arm == \"high\") + any(arm=='low') + atleast(banner, 3) + wsum(feed) + wshare(feed)", "y",
        "count(arm==2) ; count(arm==\"high\") ; any(arm==\"low\") ; atleast(banner, 3) ; wsum(feed) ; wshare(feed)", "", true)]
    [InlineData("y ~ count(arm==-1) + share(arm==\"2\") + any(arm==\"a \\\"b\\\"\")", "y",
        "count(arm==-1) ; share(arm==2) ; any(arm==\"a \\\"b\\\"\")", "", true)]
    [InlineData("y ~ 0 + x", "y", "x", "", false)]
    [InlineData("y ~ x + 0", "y", "x", "", false)]
    [InlineData("y ~ x - 1", "y", "x", "", false)]
    [InlineData("y ~ -1 + x", "y", "x", "", false)]
    [InlineData("y ~ 1 + x", "y", "x", "", true)]
    [InlineData("y ~ x - 0", "y", "x", "", true)]
    [InlineData("y ~ 1", "y", "", "", true)]
    [InlineData("y ~ 1 | fe", "y", "", "fe", false)]
    [InlineData("y ~ 0 | fe", "y", "", "fe", false)]
    [InlineData("y ~ a:b:c + count(t):age + age:count(t==2)", "y", "a:b:c ; count(t):age ; age:count(t==2)", "", true)]
    [InlineData("y ~ `my col` + `x` + x.1 + _z + .w", "y", "`my col` ; x ; x.1 ; _z ; .w", "", true)]
    [InlineData("`the outcome` ~ x", "the outcome", "x", "", true)]
    [InlineData("y ~ x | a + b^c^d + `e f`", "y", "x", "a ; b^c^d ; `e f`", false)]
    [InlineData("y ~ (a) + (b + c)", "y", "a ; b ; c", "", true)]
    [InlineData("y ~ degree + share(t)", "y", "degree ; share(t)", "", true)]
    public void FormulaGivesTermsAndFixedEffects(string formula, string response, string terms, string fixedEffects, bool intercept)
    {
        var model = ModelFormula.Parse(formula);
        Assert.Equal(response, model.Response);
        Assert.Equal(terms, string.Join(" ; ", model.Terms.Select(t => t.Text)));
        Assert.Equal(fixedEffects, string.Join(" ; ", model.FixedEffects.Select(f => f.Text)));
        Assert.Equal(intercept, model.Intercept);
    }

    [Fact]
    public void ThePaperModelReadsAsCountsOwnTreatmentsAndInteractedStrata()
    {
        var model = ModelFormula.Parse(Paper);
        var count = Assert.IsType<ExposureTerm>(model.Terms[0]);
        Assert.Equal(ExposureKind.Count, count.Kind);
        Assert.Equal("banner", count.Treatment.Column);
        Assert.Null(count.Treatment.EqualsValue);
        Assert.Null(count.K);
        Assert.Equal("banner", Assert.IsType<ColumnTerm>(model.Terms[2]).Name);
        var strata = Assert.Single(model.FixedEffects);
        Assert.Equal(["degree", "vote2010"], strata.Columns);
        Assert.True(strata.IsInteracted);
        Assert.Equal(["voted", "banner", "feed", "degree", "vote2010"], model.Columns());
        Assert.Equal(["count(banner)", "count(feed)", "banner", "feed"],
            model.TermsDependingOn(["banner", "feed"]).Select(t => t.Text));
        Assert.Equal(["count(feed)", "feed"], model.TermsDependingOn(["feed"]).Select(t => t.Text));
    }

    [Fact]
    public void TheVillageModelMovesOnlyTheTermsOfTheTreatment()
    {
        var model = ModelFormula.Parse(Villages);
        Assert.Equal(["share(intensive)", "intensive"], model.TermsDependingOn(["intensive"]).Select(t => t.Text));
        Assert.Equal(["takeup", "intensive", "age", "male", "village"], model.Columns());
        Assert.Same(model.Terms[0], model.FindTerm("share(intensive)"));
        Assert.Null(model.FindTerm("share( intensive )"));
    }

    [Fact]
    public void ExposureArgumentsAreKept()
    {
        var model = ModelFormula.Parse("y ~ atleast(arm == \"high\", 2) + wshare(t) + any(arm==3)");
        var atLeast = Assert.IsType<ExposureTerm>(model.Terms[0]);
        Assert.Equal(ExposureKind.AtLeast, atLeast.Kind);
        Assert.Equal(2, atLeast.K);
        Assert.Equal("arm", atLeast.Treatment.Column);
        Assert.Equal("high", atLeast.Treatment.EqualsValue);
        Assert.True(atLeast.Treatment.IsArmTest);
        Assert.Equal("atleast", atLeast.FunctionName);
        var weighted = Assert.IsType<ExposureTerm>(model.Terms[1]);
        Assert.Equal(ExposureKind.WeightedShare, weighted.Kind);
        Assert.True(weighted.UsesWeights);
        Assert.False(atLeast.UsesWeights);
        Assert.Equal("3", Assert.IsType<ExposureTerm>(model.Terms[2]).Treatment.EqualsValue);
    }

    [Fact]
    public void InteractionsListFactorsAndTheUnionOfTheirColumns()
    {
        var model = ModelFormula.Parse("y ~ share(t):age:t");
        var product = Assert.IsType<InteractionTerm>(Assert.Single(model.Terms));
        Assert.Equal(["share(t)", "age", "t"], product.Factors.Select(f => f.Text));
        Assert.IsType<ExposureTerm>(product.Factors[0]);
        Assert.Equal(["t", "age"], product.Columns);
        Assert.True(product.DependsOn(["t"]));
        Assert.False(product.DependsOn(["z"]));
    }

    [Fact]
    public void EveryTermKnowsWhereItWasWritten()
    {
        const string formula = "y ~ share( intensive ) + a : b | v ^ w";
        var model = ModelFormula.Parse(formula);
        Assert.Equal(["share( intensive )", "a : b"], model.Terms.Select(t => t.Span.Of(formula)));
        Assert.Equal("v ^ w", model.FixedEffects[0].Span.Of(formula));
        Assert.Equal(["v", "w"], model.FixedEffects[0].ColumnSpans.Select(s => s.Of(formula)));
        Assert.Equal(new SourceSpan(0, 1), model.ResponseSpan);
        var exposure = (ExposureTerm)model.Terms[0];
        Assert.Equal("intensive", exposure.Treatment.ColumnSpan.Of(formula));
        Assert.Equal(formula, model.Text);
    }

    [Theory]
    [InlineData(Paper, Paper)]
    [InlineData("y~x-1", "y ~ 0 + x")]
    [InlineData("y ~ 1", "y ~ 1")]
    [InlineData("y ~ 0 | f", "y ~ 1 | f")]
    [InlineData("y ~ count( arm == 'x' ) + `a b` | f ^ g + h", "y ~ count(arm==\"x\") + `a b` | f^g + h")]
    public void ToStringIsTheNormalisedFormulaAndParsesBackToAnEqualOne(string formula, string normalised)
    {
        var model = ModelFormula.Parse(formula);
        Assert.Equal(normalised, model.ToString());
        Assert.Equal(model, ModelFormula.Parse(model.ToString()));
    }

    [Fact]
    public void EqualityIgnoresSpacingSpansAndFactorOrder()
    {
        Assert.Equal(ModelFormula.Parse("y~a:b|f^g"), ModelFormula.Parse("y ~ b : a | g ^ f"));
        Assert.NotEqual(ModelFormula.Parse("y ~ a"), ModelFormula.Parse("y ~ a - 1"));
        Assert.Equal(new ExposureTerm(ExposureKind.Count, new TreatmentTest("arm", "2")), ModelFormula.Parse("y ~ count(arm == '2')").Terms[0]);
        Assert.Equal(new ColumnTerm("a"), ModelFormula.Parse("y ~ `a`").Terms[0]);
        Assert.NotEqual<Term>(new ColumnTerm("a"), new ExposureTerm(ExposureKind.Count, new TreatmentTest("a")));
    }

    [Fact]
    public void HandBuiltTermsCheckTheirArguments()
    {
        var t = new TreatmentTest("t");
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExposureTerm(ExposureKind.AtLeast, t));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExposureTerm(ExposureKind.AtLeast, t, 0));
        Assert.Throws<ArgumentException>(() => new ExposureTerm(ExposureKind.Count, t, 2));
        Assert.Throws<ArgumentException>(() => new InteractionTerm([new ColumnTerm("a")]));
        Assert.Throws<ArgumentException>(() => new InteractionTerm([new ColumnTerm("a"), new ColumnTerm("a")]));
        Assert.Throws<ArgumentException>(() => new FixedEffect(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new ColumnTerm(""));
        Assert.Equal("atleast(t, 4)", new ExposureTerm(ExposureKind.AtLeast, t, 4).Text);
        Assert.Equal("a:`b c`", new InteractionTerm([new ColumnTerm("a"), new ColumnTerm("b c")]).Text);
    }
}
