using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>
/// The sufficient statistics of a batch, stratum by stratum: for each stratum s and permutation p, S (4 integers),
/// Q (10 integers) and P (4 doubles) summed over s's chunks in chunk order. This is what every backend hands the
/// host; <see cref="Solve"/> turns one permutation's statistics into its coefficients, by the same code whichever
/// backend produced them.
/// <para>
/// The layout, [stratum][slot][permutation] with <see cref="BatchCapacity"/> permutations, is the device kernels' own,
/// so a device backend copies its result straight in.
/// </para>
/// </summary>
public sealed class StratumMoments
{
    public StratumMoments(int stratumCount, int batchCapacity)
    {
        StratumCount = stratumCount;
        BatchCapacity = batchCapacity;
        Integers = new long[(long)stratumCount * SpilloverMoments.IntegerSlots * batchCapacity];
        Reals = new double[(long)stratumCount * SpilloverMoments.RealSlots * batchCapacity];
    }

    public int StratumCount { get; }

    public int BatchCapacity { get; }

    /// <summary>[stratum][slot][permutation], <see cref="SpilloverMoments.IntegerSlots"/> slots: S then Q.</summary>
    public long[] Integers { get; }

    /// <summary>[stratum][slot][permutation], <see cref="SpilloverMoments.RealSlots"/> slots: P.</summary>
    public double[] Reals { get; }

    public long IntegerIndex(int stratum, int slot, int permutation) =>
        ((long)stratum * SpilloverMoments.IntegerSlots + slot) * BatchCapacity + permutation;

    public long RealIndex(int stratum, int slot, int permutation) =>
        ((long)stratum * SpilloverMoments.RealSlots + slot) * BatchCapacity + permutation;

    /// <summary>
    /// Combines permutation <paramref name="permutation"/>'s strata (Q as integers, P in stratum order) and solves;
    /// writes <see cref="SpilloverProblem.Regressors"/> coefficients.
    /// </summary>
    public void Solve(SpilloverProblem problem, int permutation, Span<double> beta)
    {
        const int k = SpilloverProblem.Regressors;
        Span<long> q = stackalloc long[10];
        Span<double> p = stackalloc double[k];
        long[] stratumSums = new long[StratumCount * k];
        q.Clear();
        p.Clear();
        for (int s = 0; s < StratumCount; s++)
        {
            for (int a = 0; a < k; a++) stratumSums[s * k + a] = Integers[IntegerIndex(s, a, permutation)];
            for (int t = 0; t < 10; t++) q[t] += Integers[IntegerIndex(s, SpilloverMoments.QOffset + t, permutation)];
            for (int a = 0; a < k; a++) p[a] += Reals[RealIndex(s, a, permutation)];
        }
        SpilloverMoments.Solve(q, p, stratumSums, problem, beta);
    }
}
