using ILGPU;

namespace GpuInference.Kernels.Assignment;

/// <summary>
/// The round keys of a batch, copied once per work-group into shared memory: every work-item of the group then reads
/// permutation p's 24 keys from there (the same address across the group at the same time, so a broadcast).
/// </summary>
internal static class StagedKeys
{
    /// <summary>Words of shared memory a batch's keys take.</summary>
    public const int Words = KernelLimits.MaxBatch * KernelLimits.BijectionRounds;

    /// <summary>Copies the keys of <paramref name="count"/> permutations; every work-item of the group must call it.</summary>
    public static ArrayView<uint> Stage(ArrayView<uint> keys, int count)
    {
        ArrayView<uint> staged = SharedMemory.Allocate<uint>(Words);
        for (int t = Group.IdxX; t < count * KernelLimits.BijectionRounds; t += Group.DimX) staged[t] = keys[t];
        Group.Barrier();
        return staged;
    }

    /// <summary>Permutation <paramref name="p"/>'s keys within the staged copy.</summary>
    public static ArrayView<uint> Of(ArrayView<uint> staged, int p) =>
        staged.SubView(p * KernelLimits.BijectionRounds, KernelLimits.BijectionRounds);
}
