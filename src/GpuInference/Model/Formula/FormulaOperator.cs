namespace GpuInference.Model.Formula;

/// <summary>
/// One operator of the formula language, as data: the parser knows no operator by name, only this table's entries
/// (the shape formulaic gives its operators).
/// </summary>
/// <param name="Symbol">What the user writes.</param>
/// <param name="Arity">1 for a prefix operator, 2 for an infix one.</param>
/// <param name="Precedence">Higher binds tighter.</param>
/// <param name="Associativity">How a chain of the operator groups (binary operators only).</param>
internal sealed record FormulaOperator(string Symbol, int Arity, int Precedence, Associativity Associativity);
