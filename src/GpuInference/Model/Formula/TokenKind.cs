namespace GpuInference.Model.Formula;

/// <summary>What a token of a formula is.</summary>
internal enum TokenKind
{
    /// <summary>A bare name: letters, digits, <c>_</c> and <c>.</c>, not starting with a digit.</summary>
    Name,

    /// <summary>A backquoted name such as <c>`my col`</c>; the token's text is the name without the quotes.</summary>
    QuotedName,

    /// <summary>A number literal: digits with an optional decimal part.</summary>
    Number,

    /// <summary>A quoted string, <c>"high"</c> or <c>'high'</c>; the token's text is its value.</summary>
    String,

    /// <summary>A symbol of the operator table: <c>~ | + - : ^ ==</c>.</summary>
    Operator,

    /// <summary><c>(</c></summary>
    LeftParen,

    /// <summary><c>)</c></summary>
    RightParen,

    /// <summary><c>,</c> between the arguments of a function.</summary>
    Comma,
}
