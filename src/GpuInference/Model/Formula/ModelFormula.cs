namespace GpuInference.Model.Formula;

/// <summary>
/// A parsed model formula in fixest/pyfixest syntax, <c>response ~ terms | fixed effects</c>:
/// <code>
/// var model = ModelFormula.Parse("voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010");
/// model.Validate(nodeColumns, BuiltInColumns.All);
/// var moving = model.TermsDependingOn(["banner", "feed"]);   // count(banner), count(feed), banner, feed
/// </code>
/// Immutable. Two formulas are equal when response, intercept, terms and fixed effects are (in order; spans and
/// spacing do not matter).
/// </summary>
public sealed record ModelFormula
{
    internal ModelFormula(string text, string response, SourceSpan responseSpan,
        IReadOnlyList<Term> terms, IReadOnlyList<FixedEffect> fixedEffects, bool intercept)
    {
        Text = text;
        Response = response;
        ResponseSpan = responseSpan;
        Terms = terms.ToArray().AsReadOnly();
        FixedEffects = fixedEffects.ToArray().AsReadOnly();
        Intercept = intercept;
    }

    /// <summary>Parses <paramref name="formula"/>.</summary>
    /// <exception cref="FormulaException">A syntax error, a repeated term or fixed effect, or a misplaced operator;
    /// the message points at it. Column names are not checked here: see <see cref="Validate"/>.</exception>
    public static ModelFormula Parse(string formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        return FormulaBuilder.Build(formula, FormulaParser.Parse(formula));
    }

    /// <summary>The formula exactly as given to <see cref="Parse"/>; spans index into it.</summary>
    public string Text { get; }

    /// <summary>The response (outcome) column.</summary>
    public string Response { get; }

    /// <summary>Where the response's name stands.</summary>
    public SourceSpan ResponseSpan { get; }

    /// <summary>The right-hand-side terms in the order written, without the intercept.</summary>
    public IReadOnlyList<Term> Terms { get; }

    /// <summary>The fixed-effect dimensions after <c>|</c>, in the order written; empty when there is no <c>|</c>.</summary>
    public IReadOnlyList<FixedEffect> FixedEffects { get; }

    /// <summary>Whether the model has an explicit intercept column: true unless the formula removes it
    /// (<c>0 +</c>, <c>- 1</c>, <c>-1 +</c>) or has fixed effects, which absorb it.</summary>
    public bool Intercept { get; }

    /// <summary>Every place where the formula names a column, in formula order: the response, the terms, the fixed
    /// effects.</summary>
    public IReadOnlyList<ColumnReference> ColumnReferences() =>
        new[] { new ColumnReference(Response, ResponseSpan, "the response") }
            .Concat(Terms.SelectMany(t => t.ColumnReferences()))
            .Concat(FixedEffects.SelectMany(f => f.ColumnReferences()))
            .ToArray();

    /// <summary>Every column the formula names, each once, in order of first appearance; built-in columns such as
    /// <c>degree</c> included.</summary>
    public IReadOnlyList<string> Columns() =>
        ColumnReferences().Select(r => r.Name).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The terms computed from any of <paramref name="columns"/> (the permuted ones), in model order: the
    /// terms to recompute in each permutation. The others are fixed.</summary>
    public IReadOnlyList<Term> TermsDependingOn(IEnumerable<string> columns)
    {
        var set = new HashSet<string>(columns, StringComparer.Ordinal);
        return Terms.Where(t => t.DependsOn(set)).ToArray();
    }

    /// <summary>The term whose normalised name is <paramref name="text"/> (as <see cref="Term.Text"/> writes it), or null.</summary>
    public Term? FindTerm(string text) => Terms.FirstOrDefault(t => t.Text == text);

    /// <summary>
    /// Checks that every column the formula names is in <paramref name="availableColumns"/> (the data's columns)
    /// or <paramref name="builtIns"/> (see <see cref="BuiltInColumns.All"/>), and that no built-in column is used as
    /// a treatment. Names compare ordinally.
    /// </summary>
    /// <exception cref="FormulaException">At the first unknown column in formula order, naming its term and the
    /// closest column (by edit distance, ignoring case), with carets under the name.</exception>
    public void Validate(IReadOnlyCollection<string> availableColumns, IReadOnlyCollection<string> builtIns) =>
        FormulaValidator.Validate(this, availableColumns, builtIns);

    /// <summary>The normalised formula: <c>voted ~ count(banner) + banner | degree^vote2010</c>; <c>0 + </c> leads the
    /// terms when the intercept is removed, and <c>1</c> stands for an empty term list.</summary>
    public override string ToString()
    {
        var right = new List<string>();
        if (!Intercept && FixedEffects.Count == 0) right.Add("0");
        right.AddRange(Terms.Select(t => t.Text));
        if (right.Count == 0) right.Add("1");
        string text = $"{FormulaText.Name(Response)} ~ {string.Join(" + ", right)}";
        return FixedEffects.Count == 0 ? text : $"{text} | {string.Join(" + ", FixedEffects.Select(f => f.Text))}";
    }

    /// <inheritdoc/>
    public bool Equals(ModelFormula? other) =>
        other is not null && other.Response == Response && other.Intercept == Intercept
        && other.Terms.SequenceEqual(Terms) && other.FixedEffects.SequenceEqual(FixedEffects);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Response, Intercept, Terms.Count, FixedEffects.Count);
}
