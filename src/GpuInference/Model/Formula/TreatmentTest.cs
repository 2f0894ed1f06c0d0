namespace GpuInference.Model.Formula;

/// <summary>
/// The treatment T an exposure function counts: a 0/1 column (<c>banner</c>), or one arm of a categorical column
/// (<c>arm==2</c>, <c>arm=="high"</c>). Compares by column and value.
/// </summary>
public sealed class TreatmentTest : IEquatable<TreatmentTest>
{
    /// <summary>T = <paramref name="column"/>, or T = (<paramref name="column"/> == <paramref name="equalsValue"/>).</summary>
    public TreatmentTest(string column, string? equalsValue = null, SourceSpan span = default, SourceSpan columnSpan = default)
    {
        Column = ColumnTerm.RequireName(column);
        EqualsValue = equalsValue;
        Span = span;
        ColumnSpan = columnSpan;
        Text = equalsValue is null ? FormulaText.Name(column) : $"{FormulaText.Name(column)}=={FormulaText.Value(equalsValue)}";
    }

    /// <summary>The treatment column.</summary>
    public string Column { get; }

    /// <summary>The arm tested, as text (a number as written, a string's value); <c>null</c> for a 0/1 column.</summary>
    public string? EqualsValue { get; }

    /// <summary>Whether T is an arm test rather than a 0/1 column.</summary>
    public bool IsArmTest => EqualsValue is not null;

    /// <summary>Normalised: <c>banner</c>, <c>arm==2</c>, <c>arm=="high"</c>.</summary>
    public string Text { get; }

    /// <summary>Where the whole test stands in the formula.</summary>
    public SourceSpan Span { get; }

    /// <summary>Where the column's name stands in the formula.</summary>
    public SourceSpan ColumnSpan { get; }

    /// <inheritdoc/>
    public bool Equals(TreatmentTest? other) => other is not null && other.Column == Column && other.EqualsValue == EqualsValue;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TreatmentTest);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Column, EqualsValue);

    /// <summary>The normalised <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}
