namespace GpuInference.Model.Formula;

/// <summary>
/// One fixed-effect dimension after <c>|</c>: a column (<c>village</c>), or columns joined by <c>^</c>
/// (<c>degree^vote2010</c>), which give one group per combination of their values. Compares by its columns' set.
/// </summary>
public sealed class FixedEffect : IEquatable<FixedEffect>
{
    /// <summary>The fixed effect of <paramref name="columns"/> in the order given, no column twice.</summary>
    /// <param name="columns">One or more column names.</param>
    /// <param name="span">Where it stands in the formula.</param>
    /// <param name="columnSpans">Where each column's name stands, one per column; omit for one built by hand.</param>
    public FixedEffect(IReadOnlyList<string> columns, SourceSpan span = default, IReadOnlyList<SourceSpan>? columnSpans = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("a fixed effect needs a column", nameof(columns));
        if (columns.Distinct(StringComparer.Ordinal).Count() < columns.Count)
            throw new ArgumentException("a fixed effect cannot repeat a column", nameof(columns));
        if (columnSpans is not null && columnSpans.Count != columns.Count)
            throw new ArgumentException("one span per column", nameof(columnSpans));
        Columns = columns.Select(ColumnTerm.RequireName).ToArray().AsReadOnly();
        ColumnSpans = (columnSpans ?? new SourceSpan[columns.Count]).ToArray().AsReadOnly();
        Span = span;
        Text = string.Join("^", Columns.Select(FormulaText.Name));
    }

    /// <summary>The columns, in the order written.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Where each column's name stands, parallel to <see cref="Columns"/>.</summary>
    public IReadOnlyList<SourceSpan> ColumnSpans { get; }

    /// <summary>Whether it interacts two or more columns (<c>a^b</c>).</summary>
    public bool IsInteracted => Columns.Count > 1;

    /// <summary>Normalised: <c>village</c>, <c>degree^vote2010</c>. Its name in reports.</summary>
    public string Text { get; }

    /// <summary>Where it stands in the formula.</summary>
    public SourceSpan Span { get; }

    /// <summary>The same for every order of the columns: <c>a^b</c> and <c>b^a</c> are one fixed effect.</summary>
    internal string Key => string.Join("^", Columns.Order(StringComparer.Ordinal));

    /// <summary>Every place where it names a column.</summary>
    public IReadOnlyList<ColumnReference> ColumnReferences() =>
        Columns.Select((c, i) => new ColumnReference(c, ColumnSpans[i], $"fixed effect {Text}")).ToArray();

    /// <inheritdoc/>
    public bool Equals(FixedEffect? other) => other is not null && other.Key == Key;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FixedEffect);

    /// <inheritdoc/>
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    /// <summary>The normalised <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}
