namespace GpuInference.Model.Formula;

/// <summary>How a chain of one binary operator groups.</summary>
internal enum Associativity
{
    /// <summary><c>a + b + c</c> is <c>(a + b) + c</c>.</summary>
    Left,

    /// <summary><c>a ~ b ~ c</c> is <c>a ~ (b ~ c)</c>.</summary>
    Right,

    /// <summary>A chain is an error: <c>a == b == c</c>.</summary>
    None,
}
