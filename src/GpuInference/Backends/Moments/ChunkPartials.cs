using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>
/// Per-chunk, per-permutation sums (S, Q as integers; P as doubles) for one batch, and their reduction to
/// <see cref="StratumMoments"/> in the fixed order that every backend follows: a stratum's chunks in index order.
/// The CPU backend fills one; the device kernels keep the same sums in device memory.
/// </summary>
public sealed class ChunkPartials
{
    public ChunkPartials(int chunkCount, int batchCapacity)
    {
        ChunkCount = chunkCount;
        BatchCapacity = batchCapacity;
        Integers = new long[(long)chunkCount * batchCapacity * SpilloverMoments.IntegerSlots];
        Reals = new double[(long)chunkCount * batchCapacity * SpilloverMoments.RealSlots];
    }

    public int ChunkCount { get; }

    public int BatchCapacity { get; }

    /// <summary>Layout [chunk][permutation][slot] with <see cref="SpilloverMoments.IntegerSlots"/> slots.</summary>
    public long[] Integers { get; }

    /// <summary>Layout [chunk][permutation][slot] with <see cref="SpilloverMoments.RealSlots"/> slots.</summary>
    public double[] Reals { get; }

    public Span<long> IntegersOf(int chunk, int permutation) =>
        Integers.AsSpan((chunk * BatchCapacity + permutation) * SpilloverMoments.IntegerSlots, SpilloverMoments.IntegerSlots);

    public Span<double> RealsOf(int chunk, int permutation) =>
        Reals.AsSpan((chunk * BatchCapacity + permutation) * SpilloverMoments.RealSlots, SpilloverMoments.RealSlots);

    /// <summary>
    /// Sums the chunks of each stratum, in chunk order, for the first <paramref name="count"/> permutations: the
    /// reduction the device kernels perform too (ChunkSumKernels.StratumSums), so the host sees the same numbers.
    /// </summary>
    public void ReduceInto(SpilloverProblem problem, int count, StratumMoments strata)
    {
        Span<long> integers = stackalloc long[SpilloverMoments.IntegerSlots];
        Span<double> reals = stackalloc double[SpilloverMoments.RealSlots];
        for (int s = 0; s < problem.StratumCount; s++)
        {
            for (int p = 0; p < count; p++)
            {
                integers.Clear();
                reals.Clear();
                for (int g = problem.StratumFirstChunk[s]; g < problem.StratumFirstChunk[s + 1]; g++)
                {
                    ReadOnlySpan<long> chunkIntegers = IntegersOf(g, p);
                    ReadOnlySpan<double> chunkReals = RealsOf(g, p);
                    for (int slot = 0; slot < integers.Length; slot++) integers[slot] += chunkIntegers[slot];
                    for (int slot = 0; slot < reals.Length; slot++) reals[slot] += chunkReals[slot];
                }
                for (int slot = 0; slot < integers.Length; slot++) strata.Integers[strata.IntegerIndex(s, slot, p)] = integers[slot];
                for (int slot = 0; slot < reals.Length; slot++) strata.Reals[strata.RealIndex(s, slot, p)] = reals[slot];
            }
        }
    }
}
