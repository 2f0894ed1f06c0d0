namespace GpuInference.Model.Formula;

/// <summary>One right-hand-side syntax node to a <see cref="Term"/>: a column, an exposure call, or a product of
/// those with <c>:</c>; anything else is an error at the node.</summary>
internal sealed class TermBuilder(string formula)
{
    /// <summary>The term <paramref name="node"/> stands for.</summary>
    public Term Build(FormulaNode node) => node switch
    {
        BinaryNode { Symbol: ":" } product => Interaction(product),
        _ => Factor(node),
    };

    private FormulaException Error(SourceSpan span, string problem) => new(formula, span, problem);

    private InteractionTerm Interaction(BinaryNode product)
    {
        var factors = new List<Term>();
        foreach (var node in Flatten(product))
        {
            var factor = node is BinaryNode { Symbol: "+" or "-" }
                ? throw Error(node.Span, "a factor of ':' must be a column or an exposure function, not a sum")
                : Factor(node);
            if (factors.Any(f => f.Key == factor.Key))
                throw Error(factor.Span, $"factor {factor.Text} appears twice in {Describe(product)}");
            factors.Add(factor);
        }
        return new InteractionTerm(factors, product.Span);
    }

    private static IEnumerable<FormulaNode> Flatten(FormulaNode node) => node is BinaryNode { Symbol: ":" } b
        ? Flatten(b.Left).Concat(Flatten(b.Right))
        : [node];

    private string Describe(FormulaNode node) => node.Span.Of(formula);

    /// <summary>A column or an exposure call; every other shape gets the error that explains it.</summary>
    private Term Factor(FormulaNode node) => node switch
    {
        NameNode name => new ColumnTerm(name.Name, name.Span),
        CallNode call => Exposure(call),
        BinaryNode { Symbol: "^" } b => throw Error(b.OperatorSpan,
            "'^' interacts fixed effects and belongs after '|'; write a:b for the product of two terms"),
        BinaryNode { Symbol: "==" } b => throw Error(b.Span,
            "'==' tests a treatment arm inside an exposure function, as in count(arm==2)"),
        BinaryNode { Symbol: "|" } b => throw Error(b.OperatorSpan,
            "only one '|' may appear, between the terms and the fixed effects"),
        BinaryNode { Symbol: "~" } b => throw Error(b.OperatorSpan, "more than one '~'"),
        PrefixNode { Operator.Symbol: "~" } p => throw Error(p.OperatorSpan, "more than one '~'"),
        PrefixNode { Operator.Symbol: "-" } p => throw Error(p.Span, "'-' removes only the intercept, as in '- 1'"),
        NumberNode n => throw Error(n.Span, $"the number {n.Text} is not a term; write 1 or 0 to keep or remove the intercept"),
        StringNode s => throw Error(s.Span, "a string is not a term"),
        _ => throw Error(node.Span, $"{Describe(node)} is not a term"),
    };

    private ExposureTerm Exposure(CallNode call)
    {
        var function = ExposureFunctions.Find(call.Function);
        if (function is null)
        {
            string closest = ClosestName.Find(call.Function, ExposureFunctions.All.Select(f => f.Name))!;
            string functions = string.Join(", ", ExposureFunctions.All.Select(f => f.Signature));
            throw Error(call.FunctionSpan, $"unknown function '{call.Function}'; did you mean '{closest}'? (functions: {functions})");
        }
        if (call.Arguments.Count != function.Arity)
        {
            string takes = function.Arity == 1 ? "1 argument" : $"{function.Arity} arguments";
            throw Error(call.Span, $"{function.Name}() takes {takes}, {function.Signature}; got {call.Arguments.Count}");
        }
        var treatment = Treatment(call.Arguments[0], function);
        int? k = function.Arity == 2 ? Threshold(call.Arguments[1], function) : null;
        return new ExposureTerm(function.Kind, treatment, k, call.Span);
    }

    private TreatmentTest Treatment(FormulaNode node, ExposureFunctions.Function function)
    {
        if (node is NameNode name) return new TreatmentTest(name.Name, null, name.Span, name.Span);
        if (node is not BinaryNode { Symbol: "==" } test)
            throw Error(node.Span, $"T in {function.Signature} must be a treatment column or an arm test such as arm==2");
        if (test.Left is not NameNode column)
            throw Error(test.Left.Span, "the left side of '==' must be the treatment column");
        string value = test.Right switch
        {
            NumberNode number => number.Text,
            StringNode text => text.Value,
            PrefixNode { Operator.Symbol: "-", Operand: NumberNode number } => "-" + number.Text,
            NameNode other => throw Error(other.Span,
                $"compare {FormulaText.Name(column.Name)} with a number or a quoted string, as in {FormulaText.Name(column.Name)}==\"{other.Name}\""),
            _ => throw Error(test.Right.Span, "the right side of '==' must be a number or a quoted string"),
        };
        return new TreatmentTest(column.Name, value, test.Span, column.Span);
    }

    private int Threshold(FormulaNode node, ExposureFunctions.Function function)
    {
        if (node is NumberNode number && number.Text.All(char.IsAsciiDigit)
            && int.TryParse(number.Text, System.Globalization.CultureInfo.InvariantCulture, out int k) && k >= 1)
            return k;
        throw Error(node.Span, $"k in {function.Signature} must be a positive integer, not {Describe(node)}");
    }
}
