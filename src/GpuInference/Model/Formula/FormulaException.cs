using System.Text;

namespace GpuInference.Model.Formula;

/// <summary>
/// A formula that cannot be parsed, or that names something the data does not hold. The message has three lines,
/// in the manner of patsy: what is wrong, the formula, and carets under the culprit:
/// <code>
/// formula: unknown column 'intensve' in term share(intensve); did you mean 'intensive'?
/// takeup ~ share(intensve) + intensive
///                ^^^^^^^^
/// </code>
/// A caller that wants one line prints <see cref="Problem"/> with the <c>formula: </c> prefix.
/// </summary>
public sealed class FormulaException : Exception
{
    /// <summary>An error at <paramref name="span"/> of <paramref name="formula"/>.</summary>
    public FormulaException(string formula, SourceSpan span, string problem)
        : base(Format(formula, span, problem))
    {
        Formula = formula;
        Span = span;
        Problem = problem;
    }

    /// <summary>The formula as the user wrote it.</summary>
    public string Formula { get; }

    /// <summary>Where in <see cref="Formula"/> the culprit is.</summary>
    public SourceSpan Span { get; }

    /// <summary>What is wrong, one line, without the <c>formula: </c> prefix or the caret lines.</summary>
    public string Problem { get; }

    /// <summary>Spaces, then one caret per character of <see cref="Span"/> (at least one).</summary>
    public string CaretLine => new string(' ', Span.Start) + new string('^', Math.Max(1, Span.Length));

    private static string Format(string formula, SourceSpan span, string problem)
    {
        // Tabs and line breaks would move the carets off their characters: show each as one space.
        var shown = new StringBuilder(formula.Length);
        foreach (char c in formula) shown.Append(char.IsWhiteSpace(c) ? ' ' : c);
        string carets = new string(' ', span.Start) + new string('^', Math.Max(1, span.Length));
        return $"formula: {problem}\n{shown}\n{carets}";
    }
}
