namespace GpuInference.Model.Formula;

/// <summary>
/// One right-hand-side term of a model formula: a <see cref="ColumnTerm"/>, an <see cref="ExposureTerm"/> or an
/// <see cref="InteractionTerm"/>. Terms are immutable and compare by type and normalised <see cref="Text"/>, with an
/// interaction's factors in any order (<c>a:b</c> equals <c>b:a</c>); the span does not take part, so a parsed term
/// equals one built by hand.
/// </summary>
public abstract class Term : IEquatable<Term>
{
    private protected Term(string text, SourceSpan span)
    {
        Text = text;
        Span = span;
    }

    /// <summary>
    /// The term as written, normalised: no spaces except after an argument comma, names backquoted only when they
    /// must be (<c>share(intensive)</c>, <c>count(arm==2)</c>, <c>atleast(banner, 2)</c>, <c>a:b</c>). This is the
    /// term's name in reports.
    /// </summary>
    public string Text { get; }

    /// <summary>Where the term stands in the formula; <c>default</c> for a term built by hand.</summary>
    public SourceSpan Span { get; }

    /// <summary>The columns whose values this term is computed from, each once, in order of appearance. A term
    /// whose list holds a permuted column must be recomputed in every permutation.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>Whether this term is computed from any of <paramref name="columns"/> (ordinal comparison).</summary>
    public bool DependsOn(IEnumerable<string> columns)
    {
        var set = columns as IReadOnlySet<string> ?? new HashSet<string>(columns, StringComparer.Ordinal);
        return Columns.Any(set.Contains);
    }

    /// <summary>Every place where this term names a column, with the term as context.</summary>
    public IReadOnlyList<ColumnReference> ColumnReferences() => ReferencesIn($"term {Text}").ToArray();

    /// <summary>The same for every order of an interaction's factors: two terms with one key are one term.</summary>
    internal virtual string Key => Text;

    /// <summary>Every column reference of the term, described as being in <paramref name="context"/>.</summary>
    internal abstract IEnumerable<ColumnReference> ReferencesIn(string context);

    /// <inheritdoc/>
    public bool Equals(Term? other) => other is not null && other.GetType() == GetType() && other.Key == Key;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Term);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(GetType(), Key);

    /// <summary>The normalised <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}
