using GpuInference.Design;
using GpuInference.Random;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// The permuted assignment of a batch of up to 64 permutations, bit-sliced: one 64-bit word per node for banner and
/// one for feed, bit p holding the node's treatment under permutation p of the batch. One pass over the graph then
/// serves the whole batch.
/// </summary>
internal sealed class BitSlicedAssignment(int nodeCount)
{
    public const int Width = 64;

    public ulong[] Banner { get; } = new ulong[nodeCount];

    public ulong[] Feed { get; } = new ulong[nodeCount];

    /// <summary>Fills the words for <paramref name="batch"/>; node ranges run in parallel, each writing its own words.</summary>
    public void Fill(TreatmentCell[] cells, PermutationBatch batch, ParallelOptions parallel)
    {
        int n = cells.Length;
        var bijections = new PermutationBijection[batch.Count];
        for (int p = 0; p < batch.Count; p++)
        {
            bijections[p] = new PermutationBijection(batch.Seed, (ulong)(batch.First + p), (ulong)n);
        }
        const int blockSize = 1 << 14;
        int blocks = (n + blockSize - 1) / blockSize;
        Parallel.For(0, blocks, parallel, block =>
        {
            int from = block * blockSize, to = Math.Min(n, from + blockSize);
            Array.Clear(Banner, from, to - from);
            Array.Clear(Feed, from, to - from);
            for (int p = 0; p < batch.Count; p++)
            {
                PermutationBijection bijection = bijections[p];
                for (int j = from; j < to; j++)
                {
                    int source = batch.Observed ? j : (int)bijection.Map((ulong)j);
                    uint cell = (uint)cells[source];
                    Banner[j] |= (ulong)(cell & 1) << p;
                    Feed[j] |= (ulong)(cell >> 1) << p;
                }
            }
        });
    }
}
