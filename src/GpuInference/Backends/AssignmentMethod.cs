using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>
/// How a backend builds the permuted assignment of a batch. Both give the same bits; they differ in cost only, so
/// <see cref="Auto"/> is right outside tests and benchmarks.
/// </summary>
public enum AssignmentMethod
{
    /// <summary>Correct the majority cell where the design is lopsided enough for it to pay (<see cref="CellMinority.CorrectionPays"/>), gather otherwise.</summary>
    Auto,

    /// <summary>Every position j fetches the cell of node π(j): N forward bijections per permutation.</summary>
    Gather,

    /// <summary>Every position starts in the majority cell; each minority node k flips the bits of position π⁻¹(k).</summary>
    Correct,
}

/// <summary>Resolves <see cref="AssignmentMethod.Auto"/> for a problem.</summary>
public static class AssignmentMethods
{
    /// <summary>Whether the batches of <paramref name="problem"/> correct the majority assignment under <paramref name="method"/>.</summary>
    public static bool Corrects(this AssignmentMethod method, SpilloverProblem problem) => method switch
    {
        AssignmentMethod.Gather => false,
        AssignmentMethod.Correct => true,
        _ => problem.Minority.CorrectionPays,
    };
}
