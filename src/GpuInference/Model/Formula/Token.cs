namespace GpuInference.Model.Formula;

/// <summary>One token of a formula.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Its meaning: a name without backquotes, a string's value, an operator's symbol, a number as written.</param>
/// <param name="Span">Where it stands in the formula, quotes included.</param>
internal sealed record Token(TokenKind Kind, string Text, SourceSpan Span)
{
    /// <summary><c>Kind:Text</c>, the form the tokenizer tests compare.</summary>
    public override string ToString() => $"{Kind}:{Text}";
}
