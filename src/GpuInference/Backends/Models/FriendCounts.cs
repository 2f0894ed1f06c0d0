namespace GpuInference.Backends.Models;

/// <summary>
/// Every unit's friend counts of a batch (64 byte counters per indicator), kept by the first pass for the second:
/// a heteroskedastic statistic needs each unit's terms again under the batch's fits, and reading 64 bytes per
/// indicator in unit order costs far less than walking the friends again, whose words lie anywhere in memory.
/// Only units with at most 255 friends are kept (one byte per count); the others are walked again. The counts are
/// the walk's own, so the terms have the same bits either way.
/// </summary>
internal sealed unsafe class FriendCounts
{
    /// <summary>The most the counts may take; beyond it the second pass walks the friends again.</summary>
    public const long MaxBytes = 512L << 20;

    private readonly AlignedLanes _storage;
    private readonly int _stride;

    private FriendCounts(int units, int indicators)
    {
        _stride = indicators * ModelSlots.Width;
        _storage = new AlignedLanes((int)((long)units * _stride / sizeof(double)));
    }

    /// <summary>
    /// The counts of a problem, or null where the walk does not count in byte registers (tie weights, or no
    /// AVX-512) or they would take more than <see cref="MaxBytes"/>.
    /// </summary>
    public static FriendCounts? For(ModelProblem problem)
    {
        long bytes = (long)problem.UnitCount * problem.IndicatorCount * ModelSlots.Width;
        bool counted = problem.Weights is null && Cpu.Avx512BitSpread.IsSupported;
        return !counted || bytes == 0 || bytes > MaxBytes ? null : new FriendCounts(problem.UnitCount, problem.IndicatorCount);
    }

    /// <summary>Whether the counts held are those of the batch now in the words (set by the first pass, cleared when a batch is not kept).</summary>
    public bool Current { get; set; }

    /// <summary>Unit <paramref name="unit"/>'s 64 byte counters of each indicator, [i · 64 + p] (64-byte aligned).</summary>
    public byte* Of(int unit) => (byte*)_storage.Pointer + (long)unit * _stride;
}
