namespace GpuInference.Model.Formula;

/// <summary>The product <c>a:b</c> of two or more columns or exposures, row by row.</summary>
public sealed class InteractionTerm : Term
{
    /// <summary>The product of <paramref name="factors"/> in the order given; each a <see cref="ColumnTerm"/> or an
    /// <see cref="ExposureTerm"/>, no two alike.</summary>
    public InteractionTerm(IReadOnlyList<Term> factors, SourceSpan span = default)
        : base(Describe(factors), span)
    {
        Factors = factors.ToArray().AsReadOnly();
        Columns = Factors.SelectMany(f => f.Columns).Distinct(StringComparer.Ordinal).ToArray().AsReadOnly();
    }

    /// <summary>The factors, in the order written.</summary>
    public IReadOnlyList<Term> Factors { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Columns { get; }

    /// <summary>Factor order does not matter: <c>a:b</c> and <c>b:a</c> are one term.</summary>
    internal override string Key =>
        string.Join(":", Factors.Select(f => f.Key).Order(StringComparer.Ordinal));

    internal override IEnumerable<ColumnReference> ReferencesIn(string context) =>
        Factors.SelectMany(f => f.ReferencesIn(context));

    private static string Describe(IReadOnlyList<Term> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count < 2) throw new ArgumentException("an interaction needs two or more factors", nameof(factors));
        if (factors.Any(f => f is InteractionTerm))
            throw new ArgumentException("a factor of an interaction cannot itself be an interaction; list its factors", nameof(factors));
        if (factors.Select(f => f.Key).Distinct(StringComparer.Ordinal).Count() < factors.Count)
            throw new ArgumentException("an interaction cannot repeat a factor", nameof(factors));
        return string.Join(":", factors.Select(f => f.Text));
    }
}
