namespace GpuInference.Model.Formula;

/// <summary>
/// The operators of model formulas, loosest first:
/// <list type="table">
/// <item><term><c>~</c></term><description>response from terms (prefix <c>~</c> parses, so that a missing response gets its own error)</description></item>
/// <item><term><c>|</c></term><description>terms from fixed effects</description></item>
/// <item><term><c>+ -</c></term><description>add a term; remove the intercept (<c>- 1</c>, prefix <c>-1</c>)</description></item>
/// <item><term><c>: ^</c></term><description>product of terms; interacted fixed effects</description></item>
/// <item><term><c>==</c></term><description>a treatment arm test inside an exposure function, <c>count(arm==2)</c></description></item>
/// </list>
/// </summary>
internal sealed class OperatorTable
{
    /// <summary>The table every formula is parsed with.</summary>
    public static OperatorTable Default { get; } = new(
    [
        new FormulaOperator("~", 2, 10, Associativity.Right),
        new FormulaOperator("~", 1, 10, Associativity.Right),
        new FormulaOperator("|", 2, 20, Associativity.Left),
        new FormulaOperator("+", 2, 30, Associativity.Left),
        new FormulaOperator("-", 2, 30, Associativity.Left),
        new FormulaOperator("-", 1, 60, Associativity.Right),
        new FormulaOperator(":", 2, 50, Associativity.Left),
        new FormulaOperator("^", 2, 50, Associativity.Left),
        new FormulaOperator("==", 2, 70, Associativity.None),
    ]);

    private readonly Dictionary<string, FormulaOperator> _binary = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FormulaOperator> _prefix = new(StringComparer.Ordinal);

    /// <summary>A table of the given operators; a symbol may have one prefix and one infix form.</summary>
    public OperatorTable(IEnumerable<FormulaOperator> operators)
    {
        foreach (var op in operators)
        {
            var forms = op.Arity switch
            {
                1 => _prefix,
                2 => _binary,
                _ => throw new ArgumentException($"operator '{op.Symbol}' has arity {op.Arity}; only 1 and 2 are known"),
            };
            if (!forms.TryAdd(op.Symbol, op))
                throw new ArgumentException($"operator '{op.Symbol}' with arity {op.Arity} is listed twice");
        }
        // Longest first, so that the tokenizer reads "==" as one operator and not two.
        Symbols = _binary.Keys.Concat(_prefix.Keys).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every symbol, longest first.</summary>
    public IReadOnlyList<string> Symbols { get; }

    /// <summary>The infix form of <paramref name="symbol"/>, if it has one.</summary>
    public bool TryGetBinary(string symbol, out FormulaOperator op) => _binary.TryGetValue(symbol, out op!);

    /// <summary>The prefix form of <paramref name="symbol"/>, if it has one.</summary>
    public bool TryGetPrefix(string symbol, out FormulaOperator op) => _prefix.TryGetValue(symbol, out op!);
}
