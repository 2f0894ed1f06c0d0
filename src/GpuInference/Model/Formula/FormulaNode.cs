namespace GpuInference.Model.Formula;

/// <summary>
/// A node of a formula's syntax tree. Every node remembers the span of formula text it was parsed from (its whole
/// extent, parentheses included), so that the later steps can point at it in an error.
/// </summary>
internal abstract record FormulaNode(SourceSpan Span);

/// <summary>A column name, bare or backquoted.</summary>
internal sealed record NameNode(string Name, bool Quoted, SourceSpan Span) : FormulaNode(Span);

/// <summary>A number literal, as written.</summary>
internal sealed record NumberNode(string Text, SourceSpan Span) : FormulaNode(Span);

/// <summary>A quoted string's value.</summary>
internal sealed record StringNode(string Value, SourceSpan Span) : FormulaNode(Span);

/// <summary>A function call <c>name(arguments)</c>.</summary>
/// <param name="Function">The function's name.</param>
/// <param name="FunctionSpan">Where the name stands.</param>
/// <param name="Arguments">The arguments in order.</param>
/// <param name="Span">From the name to the closing parenthesis.</param>
internal sealed record CallNode(string Function, SourceSpan FunctionSpan, IReadOnlyList<FormulaNode> Arguments, SourceSpan Span)
    : FormulaNode(Span);

/// <summary>A prefix operator and its operand.</summary>
/// <param name="Operator">The operator's table entry.</param>
/// <param name="OperatorSpan">Where the operator's symbol stands.</param>
/// <param name="Operand">What it applies to.</param>
/// <param name="Span">From the operator to the end of the operand.</param>
internal sealed record PrefixNode(FormulaOperator Operator, SourceSpan OperatorSpan, FormulaNode Operand, SourceSpan Span)
    : FormulaNode(Span);

/// <summary>An infix operator and its two operands.</summary>
/// <param name="Operator">The operator's table entry.</param>
/// <param name="OperatorSpan">Where the operator's symbol stands.</param>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
/// <param name="Span">From the start of the left operand to the end of the right one.</param>
internal sealed record BinaryNode(FormulaOperator Operator, SourceSpan OperatorSpan, FormulaNode Left, FormulaNode Right, SourceSpan Span)
    : FormulaNode(Span)
{
    /// <summary>The operator's symbol.</summary>
    public string Symbol => Operator.Symbol;
}
