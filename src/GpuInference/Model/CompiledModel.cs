using GpuInference.Graph;

namespace GpuInference.Model;

/// <summary>One term of the model as written, and where its column sits: among the moving terms or the fixed ones.</summary>
public sealed record ModelTerm(string Name, bool Moves, int Index);

/// <summary>
/// A model formula bound to a dataset: the analysis units (rows with every model variable, after any --where), the
/// outcome, the terms that move with the permuted columns, the fixed covariates (categorical ones as dummies), the
/// absorbed fixed effect, the clusters of the standard errors, and the observed codes the design permutes.
/// </summary>
public sealed class CompiledModel
{
    /// <summary>The name of the intercept column (present when the formula keeps it and absorbs no fixed effect).</summary>
    public const string InterceptName = "(Intercept)";

    public required string Formula { get; init; }

    public required string Response { get; init; }

    /// <summary>The friendship graph over all nodes (units and non-units alike carry treatment to their friends).</summary>
    public required CsrGraph Graph { get; init; }

    /// <summary>The node of each analysis unit.</summary>
    public required int[] UnitNodes { get; init; }

    /// <summary>The outcome of each unit.</summary>
    public required double[] Outcome { get; init; }

    /// <summary>The observed code of every node: which combination of the permuted columns' values it holds.</summary>
    public required int[] ObservedCodes { get; init; }

    /// <summary>A label per code, e.g. "intensive=1" or "banner=1, feed=0".</summary>
    public required string[] CodeLabels { get; init; }

    /// <summary>Terms recomputed in every permutation, in formula order.</summary>
    public required MovingTerm[] Moving { get; init; }

    /// <summary>Names of the fixed columns (covariates, dummies, the intercept when there are no fixed effects).</summary>
    public required string[] FixedNames { get; init; }

    /// <summary>The fixed columns, each one value per unit.</summary>
    public required double[][] Fixed { get; init; }

    /// <summary>The absorbed fixed effect: a group 0..G-1 per unit (interactions a^b already combined), or null.</summary>
    public int[]? FixedEffect { get; init; }

    /// <summary>Groups of <see cref="FixedEffect"/>.</summary>
    public int FixedEffectGroups { get; init; }

    /// <summary>The fixed effects as written, e.g. "village", "degree^vote2010" or "village + round" (the first listed by size is absorbed).</summary>
    public string? FixedEffectName { get; init; }

    /// <summary>Every term in formula order.</summary>
    public required ModelTerm[] Terms { get; init; }

    /// <summary>Fixed columns that are dummies of a second fixed effect: fitted, never reported as coefficients.</summary>
    public IReadOnlyList<string> Nuisance { get; init; } = [];

    /// <summary>Indices into <see cref="Moving"/> of the terms whose randomization distribution is reported.</summary>
    public required int[] Tested { get; init; }

    /// <summary>Whether a joint Wald statistic over the tested terms is added when there are several.</summary>
    public bool Joint { get; init; } = true;

    /// <summary>Rows of the nodes file that are not analysis units (a model variable missing, or excluded by --where).</summary>
    public long RowsDropped { get; init; }

    /// <summary>What the compiler did silently that a reader should know (units without friends, dummies' baselines, ...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public int UnitCount => UnitNodes.Length;
}
