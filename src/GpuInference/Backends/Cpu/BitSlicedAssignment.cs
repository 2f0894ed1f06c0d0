using GpuInference.Design;
using GpuInference.Random;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// The permuted assignment of a batch of up to 64 permutations, bit-sliced: one 64-bit word per node for banner and
/// one for feed, bit p holding the node's treatment under permutation p of the batch. One pass over the graph then
/// serves the whole batch. The two words of a node sit side by side (banner at 2j, feed at 2j + 1): the exposure
/// pass fetches both for every friend, and at paper scale each fetch is a cache miss, so one line serves both.
/// </summary>
internal sealed class BitSlicedAssignment(int nodeCount)
{
    public const int Width = 64;
    private const int BlockSize = 1 << 13;

    /// <summary>The cells are gathered at random (15 MB at paper scale): fetch a few images ahead.</summary>
    private const int PrefetchDistance = 32;

    /// <summary>Banner word of node j at 2j, feed word at 2j + 1.</summary>
    public ulong[] Words { get; } = new ulong[2L * nodeCount];

    /// <summary>Fills the words for <paramref name="batch"/>; node blocks run in parallel, each writing its own words.</summary>
    public void Fill(TreatmentCell[] cells, PermutationBatch batch, ParallelOptions parallel)
    {
        int n = cells.Length;
        var bijections = new PermutationBijection[batch.Count];
        for (int p = 0; p < batch.Count; p++)
        {
            bijections[p] = new PermutationBijection(batch.Seed, (ulong)(batch.First + p), (ulong)n);
        }
        int blocks = (n + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, parallel, () => new uint[BlockSize], (block, _, images) =>
        {
            int from = block * BlockSize, to = Math.Min(n, from + BlockSize);
            Span<ulong> words = Words.AsSpan(2 * from, 2 * (to - from));
            words.Clear();
            Span<uint> sources = images.AsSpan(0, to - from);
            for (int p = 0; p < batch.Count; p++)
            {
                if (batch.Observed)
                {
                    for (int t = 0; t < sources.Length; t++) sources[t] = (uint)(from + t);
                }
                else
                {
                    bijections[p].MapRange((ulong)from, sources);
                }
                for (int t = 0; t < sources.Length; t++)
                {
                    if (t + PrefetchDistance < sources.Length) ChunkAccumulator.Prefetch(cells, sources[t + PrefetchDistance]);
                    uint cell = (uint)cells[sources[t]];
                    words[2 * t] |= (ulong)(cell & 1) << p;
                    words[2 * t + 1] |= (ulong)(cell >> 1) << p;
                }
            }
            return images;
        }, _ => { });
    }
}
