using GpuInference.Model.Formula;

namespace GpuInference.Tests.Model;

/// <summary>Formula → tokens, as a table: each token written <c>Kind:Text</c>.</summary>
public sealed class FormulaTokenizerTests
{
    [Theory]
    [InlineData("y~x", "Name:y Operator:~ Name:x")]
    [InlineData("voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010",
        "Name:voted Operator:~ Name:count LeftParen:( Name:banner RightParen:) Operator:+ Name:count LeftParen:( " +
        "Name:feed RightParen:) Operator:+ Name:banner Operator:+ Name:feed Operator:| Name:degree Operator:^ Name:vote2010")]
    [InlineData("takeup ~ share(intensive) + intensive + age + male | village",
        "Name:takeup Operator:~ Name:share LeftParen:( Name:intensive RightParen:) Operator:+ Name:intensive " +
        "Operator:+ Name:age Operator:+ Name:male Operator:| Name:village")]
    [InlineData("y ~ count(arm==2)", "Name:y Operator:~ Name:count LeftParen:( Name:arm Operator:== Number:2 RightParen:)")]
    [InlineData("y ~ count( arm == \"high\" )", "Name:y Operator:~ Name:count LeftParen:( Name:arm Operator:== String:high RightParen:)")]
    [InlineData("y ~ any(arm=='low')", "Name:y Operator:~ Name:any LeftParen:( Name:arm Operator:== String:low RightParen:)")]
    [InlineData("y ~ atleast(t, 3)", "Name:y Operator:~ Name:atleast LeftParen:( Name:t Comma:, Number:3 RightParen:)")]
    [InlineData("y ~ -1 + a:b", "Name:y Operator:~ Operator:- Number:1 Operator:+ Name:a Operator:: Name:b")]
    [InlineData("y ~ x - 1", "Name:y Operator:~ Name:x Operator:- Number:1")]
    [InlineData("y ~ `my col` + x.1 + _z + .w", "Name:y Operator:~ QuotedName:my col Operator:+ Name:x.1 Operator:+ Name:_z Operator:+ Name:.w")]
    [InlineData("y ~ 2.5 + .5", "Name:y Operator:~ Number:2.5 Operator:+ Number:.5")]
    [InlineData("y ~ count(arm==\"say \\\"hi\\\"\")", "Name:y Operator:~ Name:count LeftParen:( Name:arm Operator:== String:say \"hi\" RightParen:)")]
    [InlineData("\ty\n~\r\nx  ", "Name:y Operator:~ Name:x")]
    [InlineData("", "")]
    public void FormulaGivesTokens(string formula, string expected)
    {
        var tokens = FormulaTokenizer.Tokenize(formula);
        Assert.Equal(expected, string.Join(" ", tokens.Select(t => t.ToString())));
    }

    [Fact]
    public void EveryTokenKnowsItsSpanQuotesIncluded()
    {
        const string formula = "y ~ share( `my col` ) + count(arm == \"hi\")";
        var tokens = FormulaTokenizer.Tokenize(formula);
        Assert.Equal(["y", "~", "share", "(", "`my col`", ")", "+", "count", "(", "arm", "==", "\"hi\"", ")"],
            tokens.Select(t => t.Span.Of(formula)));
        Assert.Equal(new SourceSpan(11, 8), tokens[4].Span);
    }
}
