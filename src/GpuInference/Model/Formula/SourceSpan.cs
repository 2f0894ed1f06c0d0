namespace GpuInference.Model.Formula;

/// <summary>
/// A stretch of the formula text, in characters from its start. Every token, every syntax-tree node and every term
/// of a parsed formula carries one, so an error can point at the exact culprit.
/// </summary>
/// <param name="Start">0-based index of the first character.</param>
/// <param name="Length">Number of characters; 0 marks a position (shown as one caret).</param>
public readonly record struct SourceSpan(int Start, int Length)
{
    /// <summary>Index one past the last character.</summary>
    public int End => Start + Length;

    /// <summary>The smallest span that covers both spans.</summary>
    public static SourceSpan Cover(SourceSpan first, SourceSpan last)
    {
        int start = Math.Min(first.Start, last.Start);
        return new SourceSpan(start, Math.Max(first.End, last.End) - start);
    }

    /// <summary>The characters of <paramref name="text"/> under this span.</summary>
    public string Of(string text) => text.Substring(Start, Math.Min(Length, text.Length - Start));
}
