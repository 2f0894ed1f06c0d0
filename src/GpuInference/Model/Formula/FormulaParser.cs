namespace GpuInference.Model.Formula;

/// <summary>
/// Tokens to syntax tree by precedence climbing over an <see cref="OperatorTable"/>: operators are looked up, never
/// named, so the grammar's operators live in one table. This step knows only the shape of the text; what the tree
/// means (which part holds terms, which fixed effects) is <see cref="FormulaBuilder"/>'s job.
/// </summary>
internal sealed class FormulaParser
{
    private readonly string _formula;
    private readonly IReadOnlyList<Token> _tokens;
    private readonly OperatorTable _operators;
    private int _next;

    private FormulaParser(string formula, IReadOnlyList<Token> tokens, OperatorTable operators)
    {
        _formula = formula;
        _tokens = tokens;
        _operators = operators;
    }

    /// <summary>The syntax tree of <paramref name="formula"/>.</summary>
    /// <exception cref="FormulaException">Any syntax error, with its span.</exception>
    public static FormulaNode Parse(string formula, OperatorTable? operators = null)
    {
        operators ??= OperatorTable.Default;
        var tokens = FormulaTokenizer.Tokenize(formula, operators);
        if (tokens.Count == 0)
            throw new FormulaException(formula, new SourceSpan(0, formula.Length), "empty formula");
        CheckParentheses(formula, tokens);
        var parser = new FormulaParser(formula, tokens, operators);
        var root = parser.ParseExpression(0);
        // Parentheses balance, so the only token that can stop the top level early is a comma.
        if (parser.Peek() is { } stray)
            throw new FormulaException(formula, stray.Span, $"'{stray.Text}' outside the arguments of a function");
        return root;
    }

    /// <summary>Balance is checked first, so that an unclosed parenthesis is reported as such and not as whatever
    /// the parser would trip on later.</summary>
    private static void CheckParentheses(string formula, IReadOnlyList<Token> tokens)
    {
        var open = new Stack<Token>();
        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.LeftParen) open.Push(token);
            else if (token.Kind == TokenKind.RightParen && !open.TryPop(out _))
                throw new FormulaException(formula, token.Span, "unmatched ')'");
        }
        if (open.TryPop(out var unclosed))
            throw new FormulaException(formula, unclosed.Span, "unclosed '('");
    }

    private Token? Peek() => _next < _tokens.Count ? _tokens[_next] : null;

    private FormulaNode ParseExpression(int minPrecedence)
    {
        var left = ParseOperand();
        while (Peek() is { } token && token.Kind is not (TokenKind.RightParen or TokenKind.Comma))
        {
            if (token.Kind != TokenKind.Operator)
                throw new FormulaException(_formula, token.Span, $"missing operator before '{token.Span.Of(_formula)}'");
            if (!_operators.TryGetBinary(token.Text, out var op))
                throw new FormulaException(_formula, token.Span, $"'{token.Text}' cannot stand between two terms");
            if (op.Precedence < minPrecedence) break;
            _next++;
            int rightMinimum = op.Associativity == Associativity.Right ? op.Precedence : op.Precedence + 1;
            var right = ParseExpression(rightMinimum);
            left = new BinaryNode(op, token.Span, left, right, SourceSpan.Cover(left.Span, right.Span));
            if (op.Associativity == Associativity.None && Peek() is { Kind: TokenKind.Operator } after
                && _operators.TryGetBinary(after.Text, out var following) && following.Precedence == op.Precedence)
                throw new FormulaException(_formula, after.Span, $"'{op.Symbol}' cannot be chained; use parentheses");
        }
        return left;
    }

    private FormulaNode ParseOperand()
    {
        if (Peek() is not { } token) throw EmptyTerm(null);
        switch (token.Kind)
        {
            case TokenKind.Name:
                _next++;
                return Peek()?.Kind == TokenKind.LeftParen
                    ? ParseCall(token)
                    : new NameNode(token.Text, Quoted: false, token.Span);
            case TokenKind.QuotedName:
                _next++;
                return new NameNode(token.Text, Quoted: true, token.Span);
            case TokenKind.Number:
                _next++;
                return new NumberNode(token.Text, token.Span);
            case TokenKind.String:
                _next++;
                return new StringNode(token.Text, token.Span);
            case TokenKind.LeftParen:
                return ParseParenthesized(token);
            case TokenKind.Operator when _operators.TryGetPrefix(token.Text, out var op):
                _next++;
                var operand = ParseExpression(op.Precedence);
                return new PrefixNode(op, token.Span, operand, SourceSpan.Cover(token.Span, operand.Span));
            default:
                throw EmptyTerm(token);
        }
    }

    private FormulaNode ParseParenthesized(Token open)
    {
        _next++;
        if (Peek() is { Kind: TokenKind.RightParen } empty)
            throw new FormulaException(_formula, SourceSpan.Cover(open.Span, empty.Span), "empty parentheses");
        var inner = ParseExpression(0);
        var close = Peek()!;
        if (close.Kind != TokenKind.RightParen)
            throw new FormulaException(_formula, close.Span, $"'{close.Text}' outside the arguments of a function");
        _next++;
        return inner with { Span = SourceSpan.Cover(open.Span, close.Span) };
    }

    private CallNode ParseCall(Token name)
    {
        _next++; // the '('
        var arguments = new List<FormulaNode>();
        Token close;
        if (Peek() is { Kind: TokenKind.RightParen } immediate) close = immediate;
        else
        {
            while (true)
            {
                arguments.Add(ParseExpression(0));
                var separator = Peek()!;
                if (separator.Kind == TokenKind.RightParen) { close = separator; break; }
                _next++; // a comma: ParseExpression stops only at ')' or ',' inside balanced parentheses
                if (Peek() is { Kind: TokenKind.RightParen } after)
                    throw new FormulaException(_formula, SourceSpan.Cover(separator.Span, after.Span), "empty argument after ','");
            }
        }
        _next++;
        return new CallNode(name.Text, name.Span, arguments, SourceSpan.Cover(name.Span, close.Span));
    }

    /// <summary>An operand was due and something else came: name the tokens on either side of the gap.</summary>
    private FormulaException EmptyTerm(Token? found)
    {
        Token? before = _next > 0 ? _tokens[_next - 1] : null;
        if (found is null)
            return new FormulaException(_formula, before!.Span, $"empty term after '{before.Text}'");
        if (before is null)
            return new FormulaException(_formula, found.Span, $"empty term before '{found.Text}'");
        return new FormulaException(_formula, SourceSpan.Cover(before.Span, found.Span),
            $"empty term between '{before.Span.Of(_formula)}' and '{found.Span.Of(_formula)}'");
    }
}
