using GpuInference.Model.Formula;

namespace GpuInference.Tests.Model;

/// <summary>
/// Formula → error, patsy style: each case writes the formula, the caret line exactly as the message prints it
/// under the formula, and the problem. The whole three-line message is compared.
/// </summary>
public sealed class FormulaErrorTests
{
    [Theory]
    // structure
    [InlineData("y + x",
                "^^^^^", "missing '~': a formula reads 'response ~ terms | fixed effects'")]
    [InlineData("~ x",
                "^", "missing response before '~'")]
    [InlineData("y + z ~ x",
                "^^^^^", "the response must be one column")]
    [InlineData("y ~ x ~ z",
                "      ^", "more than one '~'")]
    [InlineData("y ~ x | a | b",
                "          ^", "only one '|' may appear, between the terms and the fixed effects")]
    [InlineData("",
                "^", "empty formula")]
    [InlineData("y ~ 0",
                "    ^", "the model has no terms, no intercept and no fixed effects")]
    // parentheses
    [InlineData("y ~ count(banner + x",
                "         ^", "unclosed '('")]
    [InlineData("y ~ share(count(banner) + x",
                "         ^", "unclosed '('")]
    [InlineData("y ~ a) + b",
                "     ^", "unmatched ')'")]
    [InlineData("y ~ ()",
                "    ^^", "empty parentheses")]
    [InlineData("y ~ a, b",
                "     ^", "',' outside the arguments of a function")]
    // empty terms
    [InlineData("y ~ a ++ b",
                "      ^^", "empty term between '+' and '+'")]
    [InlineData("y ~ a + + b",
                "      ^^^", "empty term between '+' and '+'")]
    [InlineData("y ~ a +",
                "      ^", "empty term after '+'")]
    [InlineData("y ~ ",
                "  ^", "empty term after '~'")]
    [InlineData("y ~ + a",
                "  ^^^", "empty term between '~' and '+'")]
    [InlineData("y ~ x | ",
                "      ^", "empty term after '|'")]
    [InlineData("y ~ a b",
                "      ^", "missing operator before 'b'")]
    // characters
    [InlineData("y ~ a * b",
                "      ^", "'*' is not supported; write a + b + a:b")]
    [InlineData("y ~ count(arm = 2)",
                "              ^", "a single '='; write '==' to test a treatment arm, as in count(arm==2)")]
    [InlineData("y ~ $x",
                "    ^", "unexpected character '$'")]
    [InlineData("y ~ `my col",
                "    ^^^^^^^", "unterminated backquoted name")]
    [InlineData("y ~ count(arm == \"hi)",
                "                 ^^^^", "unterminated string")]
    [InlineData("y ~\tcount(x",
                "         ^", "unclosed '('")]
    // functions
    [InlineData("y ~ cout(banner)",
                "    ^^^^", "unknown function 'cout'; did you mean 'count'? (functions: count(T), share(T), any(T), atleast(T, k), wsum(T), wshare(T))")]
    [InlineData("y ~ Share(t)",
                "    ^^^^^", "unknown function 'Share'; did you mean 'share'? (functions: count(T), share(T), any(T), atleast(T, k), wsum(T), wshare(T))")]
    [InlineData("y ~ count(banner, 2)",
                "    ^^^^^^^^^^^^^^^^", "count() takes 1 argument, count(T); got 2")]
    [InlineData("y ~ count()",
                "    ^^^^^^^", "count() takes 1 argument, count(T); got 0")]
    [InlineData("y ~ atleast(banner)",
                "    ^^^^^^^^^^^^^^^", "atleast() takes 2 arguments, atleast(T, k); got 1")]
    [InlineData("y ~ atleast(banner, 0)",
                "                    ^", "k in atleast(T, k) must be a positive integer, not 0")]
    [InlineData("y ~ atleast(banner, 1.5)",
                "                    ^^^", "k in atleast(T, k) must be a positive integer, not 1.5")]
    [InlineData("y ~ atleast(banner, k)",
                "                    ^", "k in atleast(T, k) must be a positive integer, not k")]
    [InlineData("y ~ atleast(x,)",
                "             ^^", "empty argument after ','")]
    [InlineData("y ~ count(share(x))",
                "          ^^^^^^^^", "T in count(T) must be a treatment column or an arm test such as arm==2")]
    [InlineData("y ~ count(arm==high)",
                "               ^^^^", "compare arm with a number or a quoted string, as in arm==\"high\"")]
    [InlineData("y ~ count(2==arm)",
                "          ^", "the left side of '==' must be the treatment column")]
    [InlineData("y ~ count(a == 1 == 2)",
                "                 ^^", "'==' cannot be chained; use parentheses")]
    // misplaced operators
    [InlineData("y ~ a^b",
                "     ^", "'^' interacts fixed effects and belongs after '|'; write a:b for the product of two terms")]
    [InlineData("y ~ a == 2",
                "    ^^^^^^", "'==' tests a treatment arm inside an exposure function, as in count(arm==2)")]
    [InlineData("y ~ x - b",
                "        ^", "'-' removes only the intercept, as in '- 1'; to drop a term, leave it out")]
    [InlineData("y ~ 2 + x",
                "    ^", "the number 2 is not a term; write 1 or 0 to keep or remove the intercept")]
    [InlineData("y ~ 1 + x + 0",
                "            ^", "the intercept is both kept and removed")]
    [InlineData("y ~ \"x\"",
                "    ^^^", "a string is not a term")]
    [InlineData("y ~ (a + b):c",
                "    ^^^^^^^", "a factor of ':' must be a column or an exposure function, not a sum")]
    [InlineData("y ~ x | a:b",
                "         ^", "':' multiplies terms; interact fixed effects with '^', as in a^b")]
    [InlineData("y ~ x | 1",
                "        ^", "the intercept is absorbed by the fixed effects; 1 and 0 go before '|'")]
    [InlineData("y ~ x | share(v)",
                "        ^^^^^^^^", "a fixed effect is a column or columns joined by '^'; functions belong before '|'")]
    [InlineData("y ~ x | a^count(b)",
                "          ^^^^^^^^", "a fixed effect is a column or columns joined by '^'")]
    [InlineData("y ~ x | a - b",
                "        ^^^^^", "'-' has no meaning among fixed effects")]
    // repeats
    [InlineData("y ~ a + a",
                "        ^", "term a appears twice")]
    [InlineData("y ~ a + `a`",
                "        ^^^", "term a appears twice")]
    [InlineData("y ~ a:b + b:a",
                "          ^^^", "term b:a repeats a:b")]
    [InlineData("y ~ count(arm==2) + count(arm == \"2\")",
                "                    ^^^^^^^^^^^^^^^^^", "term count(arm==2) appears twice")]
    [InlineData("y ~ a:a",
                "      ^", "factor a appears twice in a:a")]
    [InlineData("y ~ x | a^b + b^a",
                "              ^^^", "fixed effect b^a repeats a^b")]
    [InlineData("y ~ x | v + v",
                "            ^", "fixed effect v appears twice")]
    [InlineData("y ~ x | a^a",
                "          ^", "column a appears twice in fixed effect a^a")]
    public void FormulaGivesErrorWithCaretsUnderTheCulprit(string formula, string carets, string problem)
    {
        var error = Assert.Throws<FormulaException>(() => ModelFormula.Parse(formula));
        string shown = string.Concat(formula.Select(c => char.IsWhiteSpace(c) ? ' ' : c));
        Assert.Equal($"formula: {problem}\n{shown}\n{carets}", error.Message);
        Assert.Equal(problem, error.Problem);
        Assert.Equal(carets, error.CaretLine);
        Assert.Equal(formula, error.Formula);
    }

    [Fact]
    public void TheMessageHasThreeLinesWithTheFormulaInTheMiddle()
    {
        var error = Assert.Throws<FormulaException>(() => ModelFormula.Parse("takeup ~ share(intensive) ++ age"));
        Assert.Equal(
            "formula: empty term between '+' and '+'\n" +
            "takeup ~ share(intensive) ++ age\n" +
            "                          ^^",
            error.Message);
        Assert.Equal(new SourceSpan(26, 2), error.Span);
    }
}
