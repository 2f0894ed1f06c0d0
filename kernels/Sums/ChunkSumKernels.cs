using ILGPU;

namespace GpuInference.Kernels.Sums;

/// <summary>
/// The exposures and sufficient statistics of the spillover regression, chunk by chunk, then stratum by stratum.
/// <para>
/// Device arithmetic is chosen so that no compiler can change a bit: S and Q are 64-bit integer sums (exact in any
/// order); P = Σ x·y sums doubles in unit order, each product rounded on its own (<see cref="RoundedProduct"/>), and
/// the chunks of a stratum in chunk order. Everything else in floating point (the strata corrections, the 4 × 4
/// solve) is done on the host, once per permutation, by the same code for every backend.
/// </para>
/// Layouts, permutation-minor so that a work-group's reads and writes are coalesced:
/// chunk sums [chunk][slot][p] and stratum sums [stratum][slot][p], with <see cref="KernelLimits.MaxBatch"/> lanes of p.
/// </summary>
public static class ChunkSumKernels
{
    private const int W = KernelLimits.MaxBatch;
    private const int IntSlots = KernelLimits.IntegerSlots;
    private const int RealSlots = KernelLimits.RealSlots;

    /// <summary>
    /// One work-group of <see cref="KernelLimits.MaxBatch"/> work-items per chunk g; work-item p walks the chunk's
    /// units and their friends in order (every lane reads the same CSR address: a broadcast) and keeps the chunk's 18
    /// sums for permutation p in registers. x = (friends with banner, friends with feed, own banner, own feed).
    /// </summary>
    internal static void ChunkSums(
        ArrayView<long> rowOffsets, ArrayView<uint> neighbors, ArrayView<ulong> words, ArrayView<double> outcome,
        ArrayView<int> chunkStart, int count, ulong zero, ArrayView<long> partialInt, ArrayView<double> partialReal)
    {
        int g = Grid.IdxX;
        int p = Group.IdxX;
        if (p >= count) return;

        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        long q00 = 0, q01 = 0, q02 = 0, q03 = 0, q11 = 0, q12 = 0, q13 = 0, q22 = 0, q23 = 0, q33 = 0;
        double p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0;

        int end = chunkStart[g + 1];
        for (int i = chunkStart[g]; i < end; i++)
        {
            long rowEnd = rowOffsets[i + 1];
            long nb = 0, nf = 0;
            for (long e = rowOffsets[i]; e < rowEnd; e++)
            {
                long friend = neighbors[e];
                nb += (long)((words[2 * friend] >> p) & 1UL);
                nf += (long)((words[2 * friend + 1] >> p) & 1UL);
            }
            long b = (long)((words[2L * i] >> p) & 1UL);
            long f = (long)((words[2L * i + 1] >> p) & 1UL);
            s0 += nb; s1 += nf; s2 += b; s3 += f;
            q00 += nb * nb; q01 += nb * nf; q02 += nb * b; q03 += nb * f;
            q11 += nf * nf; q12 += nf * b; q13 += nf * f;
            q22 += b; q23 += b * f;
            q33 += f;
            double y = outcome[i];
            p0 += RoundedProduct.Of(nb, y, zero);
            p1 += RoundedProduct.Of(nf, y, zero);
            p2 += RoundedProduct.Of(b, y, zero);
            p3 += RoundedProduct.Of(f, y, zero);
        }

        long oi = (long)g * IntSlots * W + p;
        partialInt[oi + 0 * W] = s0; partialInt[oi + 1 * W] = s1; partialInt[oi + 2 * W] = s2; partialInt[oi + 3 * W] = s3;
        partialInt[oi + 4 * W] = q00; partialInt[oi + 5 * W] = q01; partialInt[oi + 6 * W] = q02; partialInt[oi + 7 * W] = q03;
        partialInt[oi + 8 * W] = q11; partialInt[oi + 9 * W] = q12; partialInt[oi + 10 * W] = q13;
        partialInt[oi + 11 * W] = q22; partialInt[oi + 12 * W] = q23;
        partialInt[oi + 13 * W] = q33;
        long or = (long)g * RealSlots * W + p;
        partialReal[or + 0 * W] = p0; partialReal[or + 1 * W] = p1; partialReal[or + 2 * W] = p2; partialReal[or + 3 * W] = p3;
    }

    /// <summary>
    /// One work-item per (stratum s, slot, lane p), p fastest: one of the 18 sums of s's chunks, in chunk order, for
    /// permutation p. A work-item per slot rather than per stratum keeps each chain of dependent loads short (a
    /// stratum can hold hundreds of chunks). Chunks never cross a stratum boundary, so a stratum is the contiguous
    /// chunk range [firstChunk[s], firstChunk[s + 1]).
    /// </summary>
    internal static void StratumSums(
        Index1D index, ArrayView<long> partialInt, ArrayView<double> partialReal, ArrayView<int> firstChunk, int count,
        ArrayView<long> stratumInt, ArrayView<double> stratumReal)
    {
        int p = index.X % W;
        int slot = index.X / W % (IntSlots + RealSlots);
        int s = index.X / W / (IntSlots + RealSlots);
        if (p >= count) return;

        int first = firstChunk[s], last = firstChunk[s + 1];
        if (slot < IntSlots)
        {
            long sum = 0;
            for (int g = first; g < last; g++) sum += partialInt[((long)g * IntSlots + slot) * W + p];
            stratumInt[((long)s * IntSlots + slot) * W + p] = sum;
        }
        else
        {
            int real = slot - IntSlots;
            double sum = 0.0;
            for (int g = first; g < last; g++) sum += partialReal[((long)g * RealSlots + real) * W + p];
            stratumReal[((long)s * RealSlots + real) * W + p] = sum;
        }
    }
}
