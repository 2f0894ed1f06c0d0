namespace GpuInference.Kernels;

/// <summary>
/// The sizes every kernel and its host agree on. They are constants, not launch parameters, because shared-memory
/// arrays and the bit-sliced words need them at compile time.
/// </summary>
public static class KernelLimits
{
    /// <summary>Permutations in one batch: one bit of a 64-bit word each, one lane of a chunk's work-group each.</summary>
    public const int MaxBatch = 64;

    /// <summary>Feistel rounds of the permutation bijection (PermutationBijection.Rounds on the host).</summary>
    public const int BijectionRounds = 24;

    /// <summary>Work-items per group of the per-node and per-minority-node kernels.</summary>
    public const int NodeGroupSize = 256;

    /// <summary>Regressors of the spillover model: friends with banner, friends with feed, own banner, own feed.</summary>
    public const int Regressors = 4;

    /// <summary>Integer sums per chunk (or stratum) and permutation: S = Σx (4), then Q = Σxxᵀ, upper triangle (10).</summary>
    public const int IntegerSlots = 14;

    /// <summary>Floating-point sums per chunk (or stratum) and permutation: P = Σxy (4).</summary>
    public const int RealSlots = 4;
}
