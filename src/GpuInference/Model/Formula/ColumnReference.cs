namespace GpuInference.Model.Formula;

/// <summary>One place where a formula names a column.</summary>
/// <param name="Name">The column's name, without backquotes.</param>
/// <param name="Span">Where the name stands in the formula.</param>
/// <param name="Context">Where it appears, for messages: <c>term share(intensive)</c>, <c>fixed effect a^b</c>,
/// <c>the response</c>.</param>
public readonly record struct ColumnReference(string Name, SourceSpan Span, string Context);
