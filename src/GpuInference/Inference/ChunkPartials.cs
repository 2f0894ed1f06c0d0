using GpuInference.Design;

namespace GpuInference.Inference;

/// <summary>
/// Per-chunk, per-permutation sums (S, Q as integers; P as doubles) for one batch, and their reduction to
/// coefficients in the fixed order that every backend follows: chunks in index order, then
/// <see cref="SpilloverMoments.Solve"/>. The CPU backend fills one; the device backends do the same on the device.
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

    /// <summary>Combines the chunks of permutation p and solves; writes 4 coefficients.</summary>
    public void Solve(SpilloverProblem problem, int permutation, Span<double> beta)
    {
        const int k = SpilloverProblem.Regressors;
        Span<long> q = stackalloc long[10];
        Span<double> p = stackalloc double[k];
        long[] stratumSums = new long[problem.StratumCount * k];
        q.Clear();
        p.Clear();
        for (int s = 0; s < problem.StratumCount; s++)
        {
            for (int g = problem.StratumFirstChunk[s]; g < problem.StratumFirstChunk[s + 1]; g++)
            {
                ReadOnlySpan<long> ints = IntegersOf(g, permutation);
                ReadOnlySpan<double> reals = RealsOf(g, permutation);
                for (int a = 0; a < k; a++) stratumSums[s * k + a] += ints[a];
                for (int t = 0; t < 10; t++) q[t] += ints[SpilloverMoments.QOffset + t];
                for (int a = 0; a < k; a++) p[a] += reals[a];
            }
        }
        SpilloverMoments.Solve(q, p, stratumSums, problem, beta);
    }
}
