namespace GpuInference.Model.Formula;

/// <summary>A column of the nodes file used as it is (or the built-in <c>degree</c>).</summary>
public sealed class ColumnTerm : Term
{
    /// <summary>The term for column <paramref name="name"/>.</summary>
    public ColumnTerm(string name, SourceSpan span = default)
        : base(FormulaText.Name(RequireName(name)), span)
    {
        Name = name;
    }

    /// <summary>The column's name, without backquotes.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Columns => [Name];

    internal override IEnumerable<ColumnReference> ReferencesIn(string context) => [new(Name, Span, context)];

    internal static string RequireName(string name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("a column name cannot be empty", nameof(name)) : name;
}
