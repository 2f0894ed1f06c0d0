using GpuInference.Model.Formula;

namespace GpuInference.Tests.Model;

/// <summary>Formula × columns → the first unknown column, its term and the closest name, with carets under it.</summary>
public sealed class FormulaValidationTests
{
    private static readonly string[] VillageColumns = ["id", "takeup", "intensive", "age", "male", "village", "session"];
    private static readonly string[] PaperColumns = ["id", "voted", "banner", "feed", "vote2010", "logged_in"];

    [Theory]
    [InlineData("takeup ~ share(intensive) + intensive + age + male | village")]
    [InlineData("takeup ~ count(intensive):age + degree | village^session")]
    public void KnownAndBuiltInColumnsPass(string formula) =>
        ModelFormula.Parse(formula).Validate(VillageColumns, BuiltInColumns.All);

    [Fact]
    public void ThePaperModelPassesOnlyWithTheBuiltInDegree()
    {
        var model = ModelFormula.Parse("voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010");
        model.Validate(PaperColumns, BuiltInColumns.All);
        var error = Assert.Throws<FormulaException>(() => model.Validate(PaperColumns, []));
        Assert.StartsWith("formula: unknown column 'degree' in fixed effect degree^vote2010", error.Message);
        Assert.Equal("degree", error.Span.Of(model.Text));
    }

    [Theory]
    [InlineData("takeup ~ share(intensve) + intensive + age + male | village",
                "               ^^^^^^^^", "unknown column 'intensve' in term share(intensve); did you mean 'intensive'?")]
    [InlineData("takeup ~ share(intensive) + intensive + agee + male | village",
                "                                        ^^^^", "unknown column 'agee' in term agee; did you mean 'age'?")]
    [InlineData("takup ~ intensive",
                "^^^^^", "unknown column 'takup' in the response; did you mean 'takeup'?")]
    [InlineData("takeup ~ intensive | vilage^session",
                "                     ^^^^^^", "unknown column 'vilage' in fixed effect vilage^session; did you mean 'village'?")]
    [InlineData("takeup ~ intensive | village^sesion",
                "                             ^^^^^^", "unknown column 'sesion' in fixed effect village^sesion; did you mean 'session'?")]
    [InlineData("takeup ~ age:count(arm==2)",
                "                   ^^^", "unknown column 'arm' in term age:count(arm==2); did you mean 'age'?")]
    [InlineData("takeup ~ Intensive",
                "         ^^^^^^^^^", "unknown column 'Intensive' in term Intensive; did you mean 'intensive'?")]
    // Far from every column; 'id' and 'male' are both five edits away, and the first listed wins the tie.
    [InlineData("takeup ~ intensive + income",
                "                     ^^^^^^", "unknown column 'income' in term income; the closest column is 'id'")]
    [InlineData("takeup ~ dgree",
                "         ^^^^^", "unknown column 'dgree' in term dgree; did you mean 'degree'?")]
    [InlineData("takeup ~ count(degree)",
                "               ^^^^^^", "'degree' is computed by the engine and cannot be a treatment, in term count(degree)")]
    public void UnknownColumnNamesTheTermAndTheClosestColumn(string formula, string carets, string problem)
    {
        var model = ModelFormula.Parse(formula);
        var error = Assert.Throws<FormulaException>(() => model.Validate(VillageColumns, BuiltInColumns.All));
        Assert.Equal($"formula: {problem}\n{formula}\n{carets}", error.Message);
    }

    [Fact]
    public void WithNoColumnsAtAllThereIsNoHint()
    {
        var error = Assert.Throws<FormulaException>(() => ModelFormula.Parse("y ~ x").Validate([], []));
        Assert.Equal("unknown column 'y' in the response", error.Problem);
    }

    [Theory]
    [InlineData("intensve", "intensive", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("AGE", "age", 0)]
    [InlineData("", "abc", 3)]
    [InlineData("flaw", "lawn", 2)]
    public void EditDistanceIgnoresCase(string a, string b, int expected)
    {
        Assert.Equal(expected, ClosestName.Distance(a, b));
        Assert.Equal(expected, ClosestName.Distance(b, a));
    }
}
