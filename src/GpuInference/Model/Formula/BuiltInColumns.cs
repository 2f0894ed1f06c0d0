namespace GpuInference.Model.Formula;

/// <summary>Columns every formula may name without the nodes file holding them, because the engine computes them.</summary>
public static class BuiltInColumns
{
    /// <summary>The number of friends (out-degree in the edges file).</summary>
    public const string Degree = "degree";

    /// <summary>Every built-in column, to pass to <see cref="ModelFormula.Validate"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [Degree];
}
