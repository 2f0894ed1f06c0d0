namespace GpuInference.Model.Formula;

/// <summary>Checks a parsed formula against the columns a data set holds.</summary>
internal static class FormulaValidator
{
    /// <summary>Throws at the first reference, in formula order, to a column that is neither available nor built
    /// in, naming the closest column; and at a built-in column used as a treatment.</summary>
    public static void Validate(ModelFormula formula, IReadOnlyCollection<string> availableColumns, IReadOnlyCollection<string> builtIns)
    {
        ArgumentNullException.ThrowIfNull(availableColumns);
        ArgumentNullException.ThrowIfNull(builtIns);
        var available = new HashSet<string>(availableColumns, StringComparer.Ordinal);
        var builtIn = new HashSet<string>(builtIns, StringComparer.Ordinal);
        foreach (var reference in formula.ColumnReferences())
        {
            if (available.Contains(reference.Name) || builtIn.Contains(reference.Name)) continue;
            string problem = $"unknown column '{reference.Name}' in {reference.Context}";
            string? closest = ClosestName.Find(reference.Name, availableColumns.Concat(builtIns));
            if (closest is not null)
                problem += ClosestName.IsLikelyTypo(reference.Name, closest)
                    ? $"; did you mean '{closest}'?"
                    : $"; the closest column is '{closest}'";
            throw new FormulaException(formula.Text, reference.Span, problem);
        }
        foreach (var term in formula.Terms)
        {
            IReadOnlyList<Term> treatments = term is InteractionTerm product ? product.Factors : [term];
            foreach (var exposure in treatments.OfType<ExposureTerm>())
            {
                string column = exposure.Treatment.Column;
                if (builtIn.Contains(column) && !available.Contains(column))
                    throw new FormulaException(formula.Text, exposure.Treatment.ColumnSpan,
                        $"'{column}' is computed by the engine and cannot be a treatment, in term {term.Text}");
            }
        }
    }
}
