namespace GpuInference.Model.Formula;

/// <summary>An exposure function of friends' treatment: <c>count(T)</c>, <c>share(T)</c>, <c>any(T)</c>,
/// <c>atleast(T, k)</c>, <c>wsum(T)</c>, <c>wshare(T)</c>.</summary>
public sealed class ExposureTerm : Term
{
    /// <summary>The exposure <paramref name="kind"/> of <paramref name="treatment"/>; <paramref name="k"/> is given
    /// for <see cref="ExposureKind.AtLeast"/> (at least 1) and only for it.</summary>
    public ExposureTerm(ExposureKind kind, TreatmentTest treatment, int? k = null, SourceSpan span = default)
        : base(Describe(kind, treatment, k), span)
    {
        Kind = kind;
        Treatment = treatment;
        K = k;
    }

    /// <summary>Which function.</summary>
    public ExposureKind Kind { get; }

    /// <summary>The treatment it summarises.</summary>
    public TreatmentTest Treatment { get; }

    /// <summary>The threshold of <c>atleast(T, k)</c>; <c>null</c> for every other kind.</summary>
    public int? K { get; }

    /// <summary>The function's name in formulas: <c>count</c>, <c>share</c>, <c>any</c>, <c>atleast</c>, <c>wsum</c>, <c>wshare</c>.</summary>
    public string FunctionName => ExposureFunctions.Of(Kind).Name;

    /// <summary>Whether the term needs the edges file's <c>weight</c> column.</summary>
    public bool UsesWeights => Kind is ExposureKind.WeightedSum or ExposureKind.WeightedShare;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Columns => [Treatment.Column];

    internal override IEnumerable<ColumnReference> ReferencesIn(string context) =>
        [new(Treatment.Column, Treatment.ColumnSpan, context)];

    private static string Describe(ExposureKind kind, TreatmentTest treatment, int? k)
    {
        ArgumentNullException.ThrowIfNull(treatment);
        string name = ExposureFunctions.Of(kind).Name;
        if (kind == ExposureKind.AtLeast)
        {
            if (k is not >= 1) throw new ArgumentOutOfRangeException(nameof(k), k, "atleast(T, k) needs k >= 1");
            return $"{name}({treatment.Text}, {FormulaText.Integer(k.Value)})";
        }
        if (k is not null) throw new ArgumentException($"{name}(T) takes no k", nameof(k));
        return $"{name}({treatment.Text})";
    }
}
