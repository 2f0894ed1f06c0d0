using GpuInference.Model.Formula;

namespace GpuInference.Model;

/// <summary>What a general randomization test asks of the data: the formula, what moves, and which units count.</summary>
public sealed record ModelRequest
{
    public required ModelFormula Formula { get; init; }

    /// <summary>Columns whose values move together under re-randomization (the paper moves banner and feed as pairs).</summary>
    public required IReadOnlyList<string> Permuted { get; init; }

    /// <summary>Restrictions of the analysis units, column = value (as written in the file); every node still carries its treatment.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Where { get; init; } = [];

    /// <summary>Terms to test, as written in the formula; empty: every term that depends on a permuted column.</summary>
    public IReadOnlyList<string> Tested { get; init; } = [];

    /// <summary>Whether a joint Wald statistic over the tested terms is added when there are several.</summary>
    public bool Joint { get; init; } = true;

    /// <summary>Columns the design and the standard errors need beyond the formula (blocks, clusters); units must have them.</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];

    /// <summary>Every column of the nodes file this request reads (formula, permuted, where, extra), built-ins excluded.</summary>
    public IReadOnlyList<string> ColumnsToRead() =>
    [
        .. Formula.Columns().Concat(Permuted).Concat(Where.Select(w => w.Key)).Concat(Extra)
            .Where(c => !BuiltInColumns.All.Contains(c)).Distinct(StringComparer.Ordinal),
    ];
}
