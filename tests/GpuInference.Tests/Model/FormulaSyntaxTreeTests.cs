using GpuInference.Model.Formula;

namespace GpuInference.Tests.Model;

/// <summary>Formula → syntax tree: every node in pre-order, written as its kind and the formula text its span covers.</summary>
public sealed class FormulaSyntaxTreeTests
{
    [Theory]
    [InlineData("y ~ share(x) + a:b | v^w",
        "~[y ~ share(x) + a:b | v^w] name[y] |[share(x) + a:b | v^w] +[share(x) + a:b] call[share(x)] name[x] :[a:b] name[a] name[b] ^[v^w] name[v] name[w]")]
    [InlineData("y ~ -1 + a", "~[y ~ -1 + a] name[y] +[-1 + a] prefix-[-1] number[1] name[a]")]
    [InlineData("y ~ a + b - 1", "~[y ~ a + b - 1] name[y] -[a + b - 1] +[a + b] name[a] name[b] number[1]")]
    [InlineData("y ~ (a + b):c", "~[y ~ (a + b):c] name[y] :[(a + b):c] +[(a + b)] name[a] name[b] name[c]")]
    [InlineData("y ~ atleast( arm == \"hi\" , 2 )",
        "~[y ~ atleast( arm == \"hi\" , 2 )] name[y] call[atleast( arm == \"hi\" , 2 )] ==[arm == \"hi\"] name[arm] string[\"hi\"] number[2]")]
    [InlineData("~ x", "prefix~[~ x] name[x]")]
    [InlineData("a ~ b ~ c", "~[a ~ b ~ c] name[a] ~[b ~ c] name[b] name[c]")]
    [InlineData("y ~ a | b | c", "~[y ~ a | b | c] name[y] |[a | b | c] |[a | b] name[a] name[b] name[c]")]
    public void FormulaGivesTreeWithSpans(string formula, string expected)
    {
        var parts = new List<string>();
        Walk(FormulaParser.Parse(formula), formula, parts);
        Assert.Equal(expected, string.Join(" ", parts));
    }

    private static void Walk(FormulaNode node, string formula, List<string> parts)
    {
        string text = node.Span.Of(formula);
        switch (node)
        {
            case NameNode: parts.Add($"name[{text}]"); break;
            case NumberNode: parts.Add($"number[{text}]"); break;
            case StringNode: parts.Add($"string[{text}]"); break;
            case CallNode call:
                parts.Add($"call[{text}]");
                foreach (var argument in call.Arguments) Walk(argument, formula, parts);
                break;
            case PrefixNode prefix:
                parts.Add($"prefix{prefix.Operator.Symbol}[{text}]");
                Walk(prefix.Operand, formula, parts);
                break;
            case BinaryNode binary:
                parts.Add($"{binary.Symbol}[{text}]");
                Walk(binary.Left, formula, parts);
                Walk(binary.Right, formula, parts);
                break;
        }
    }
}
