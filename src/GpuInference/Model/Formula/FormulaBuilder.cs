namespace GpuInference.Model.Formula;

/// <summary>
/// A syntax tree to a <see cref="ModelFormula"/>: splits it at <c>~</c> and <c>|</c>, flattens the sums on either
/// side, reads <c>1</c>, <c>0</c> and <c>- 1</c> as the intercept, and rejects repeated terms and fixed effects.
/// </summary>
internal sealed class FormulaBuilder
{
    private readonly string _formula;
    private readonly TermBuilder _terms;
    private readonly List<Term> _termList = [];
    private readonly List<FixedEffect> _fixedEffects = [];
    private bool? _intercept;

    private FormulaBuilder(string formula)
    {
        _formula = formula;
        _terms = new TermBuilder(formula);
    }

    /// <summary>The model <paramref name="root"/>, parsed from <paramref name="formula"/>, stands for.</summary>
    public static ModelFormula Build(string formula, FormulaNode root) => new FormulaBuilder(formula).Build(root);

    private FormulaException Error(SourceSpan span, string problem) => new(_formula, span, problem);

    private ModelFormula Build(FormulaNode root)
    {
        if (root is PrefixNode { Operator.Symbol: "~" } oneSided)
            throw Error(oneSided.OperatorSpan, "missing response before '~'");
        if (root is not BinaryNode { Symbol: "~" } tilde)
            throw Error(root.Span, "missing '~': a formula reads 'response ~ terms | fixed effects'");
        if (tilde.Left is not NameNode response)
            throw Error(tilde.Left.Span, "the response must be one column");

        FormulaNode termPart = tilde.Right;
        if (tilde.Right is BinaryNode { Symbol: "|" } bar)
        {
            // '|' groups to the left, so in "a | b | c" the second bar is the outer one: point at it.
            if (bar.Left is BinaryNode { Symbol: "|" })
                throw Error(bar.OperatorSpan, "only one '|' may appear, between the terms and the fixed effects");
            termPart = bar.Left;
            CollectFixedEffects(bar.Right);
        }
        CollectTerms(termPart, removing: false);

        if (_termList.Count == 0 && _intercept == false && _fixedEffects.Count == 0)
            throw Error(tilde.Right.Span, "the model has no terms, no intercept and no fixed effects");
        bool intercept = (_intercept ?? true) && _fixedEffects.Count == 0;
        return new ModelFormula(_formula, response.Name, response.Span, _termList, _fixedEffects, intercept);
    }

    /// <summary>Walks a sum of terms; <paramref name="removing"/> is true under a '-', where only the intercept may stand.</summary>
    private void CollectTerms(FormulaNode node, bool removing)
    {
        switch (node)
        {
            case BinaryNode { Symbol: "+" } sum:
                CollectTerms(sum.Left, removing);
                CollectTerms(sum.Right, removing);
                break;
            case BinaryNode { Symbol: "-" } difference:
                CollectTerms(difference.Left, removing);
                CollectTerms(difference.Right, !removing);
                break;
            case PrefixNode { Operator.Symbol: "-" } negation:
                CollectTerms(negation.Operand, !removing);
                break;
            case NumberNode { Text: "0" or "1" } number:
                SetIntercept((number.Text == "1") != removing, number.Span);
                break;
            case BinaryNode { Symbol: "~" or "|" or "^" or "==" }:
                AddTerm(_terms.Build(node)); // throws the error that explains the operator
                break;
            default:
                if (removing)
                    throw Error(node.Span, "'-' removes only the intercept, as in '- 1'; to drop a term, leave it out");
                AddTerm(_terms.Build(node));
                break;
        }
    }

    private void SetIntercept(bool keep, SourceSpan span)
    {
        if (_intercept is { } earlier && earlier != keep)
            throw Error(span, "the intercept is both kept and removed");
        _intercept = keep;
    }

    private void AddTerm(Term term)
    {
        if (_termList.FirstOrDefault(t => t.Key == term.Key) is { } earlier)
            throw Error(term.Span, earlier.Text == term.Text
                ? $"term {term.Text} appears twice"
                : $"term {term.Text} repeats {earlier.Text}");
        _termList.Add(term);
    }

    private void CollectFixedEffects(FormulaNode node)
    {
        switch (node)
        {
            case BinaryNode { Symbol: "+" } sum:
                CollectFixedEffects(sum.Left);
                CollectFixedEffects(sum.Right);
                break;
            case NameNode or BinaryNode { Symbol: "^" }:
                AddFixedEffect(FixedEffectOf(node));
                break;
            case BinaryNode { Symbol: ":" } product:
                throw Error(product.OperatorSpan, "':' multiplies terms; interact fixed effects with '^', as in a^b");
            case BinaryNode { Symbol: "|" } bar:
                throw Error(bar.OperatorSpan, "only one '|' may appear, between the terms and the fixed effects");
            case BinaryNode { Symbol: "~" } tilde:
                throw Error(tilde.OperatorSpan, "more than one '~'");
            case NumberNode { Text: "0" or "1" } number:
                throw Error(number.Span, "the intercept is absorbed by the fixed effects; 1 and 0 go before '|'");
            case BinaryNode { Symbol: "-" } or PrefixNode { Operator.Symbol: "-" }:
                throw Error(node.Span, "'-' has no meaning among fixed effects");
            case CallNode call:
                throw Error(call.Span, "a fixed effect is a column or columns joined by '^'; functions belong before '|'");
            default:
                throw Error(node.Span, "a fixed effect is a column or columns joined by '^'");
        }
    }

    private FixedEffect FixedEffectOf(FormulaNode node)
    {
        var names = new List<NameNode>();
        foreach (var part in Flatten(node))
        {
            if (part is not NameNode name)
                throw Error(part.Span, "a fixed effect is a column or columns joined by '^'");
            if (names.Any(n => n.Name == name.Name))
                throw Error(name.Span, $"column {FormulaText.Name(name.Name)} appears twice in fixed effect {node.Span.Of(_formula)}");
            names.Add(name);
        }
        return new FixedEffect(names.Select(n => n.Name).ToArray(), node.Span, names.Select(n => n.Span).ToArray());
    }

    private static IEnumerable<FormulaNode> Flatten(FormulaNode node) => node is BinaryNode { Symbol: "^" } b
        ? Flatten(b.Left).Concat(Flatten(b.Right))
        : [node];

    private void AddFixedEffect(FixedEffect fixedEffect)
    {
        if (_fixedEffects.FirstOrDefault(f => f.Key == fixedEffect.Key) is { } earlier)
            throw Error(fixedEffect.Span, earlier.Text == fixedEffect.Text
                ? $"fixed effect {fixedEffect.Text} appears twice"
                : $"fixed effect {fixedEffect.Text} repeats {earlier.Text}");
        _fixedEffects.Add(fixedEffect);
    }
}
