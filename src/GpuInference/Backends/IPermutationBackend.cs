namespace GpuInference.Backends;

/// <summary>
/// Which permutations a backend call fits: permutation indices [First, First + Count) of the stream keyed by
/// Seed, or, when <see cref="Observed"/> is set, the observed assignment (the identity) alone.
/// </summary>
public readonly record struct PermutationBatch(ulong Seed, long First, int Count, bool Observed = false)
{
    public static PermutationBatch ObservedAssignment(ulong seed) => new(seed, 0, 1, Observed: true);
}

/// <summary>
/// The seam between the statistics and the hardware. A backend holds one <see cref="Design.SpilloverProblem"/>
/// (uploaded once) and fits the spillover regression for batches of permutations:
/// permuted assignment → exposures → chunk sums → the solve of <see cref="SpilloverMoments"/>.
/// The host receives only the coefficients. Every backend must return, for the same problem and batch, the same
/// bits as the CPU backend (see SpilloverMoments for why that is possible).
/// </summary>
public interface IPermutationBackend : IDisposable
{
    /// <summary>Short backend name: "cpu", "opencl" or "cuda".</summary>
    string Name { get; }

    /// <summary>One line naming the device, for reports and logs.</summary>
    string Device { get; }

    /// <summary>Largest batch the backend takes in one call (permutations are bit-sliced 64 to a word).</summary>
    int MaxBatchSize { get; }

    /// <summary>
    /// Fits each permutation of <paramref name="batch"/>, writing Count × 4 coefficients, row-major
    /// (banner exposure, feed exposure, own banner, own feed). A singular fit is written as NaN.
    /// </summary>
    void Fit(PermutationBatch batch, Span<double> coefficients);
}
