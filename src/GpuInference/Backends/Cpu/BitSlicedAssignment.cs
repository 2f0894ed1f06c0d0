using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuInference.Design;
using GpuInference.Random;
using GpuInference.Data;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// The permuted assignment of a batch of up to 64 permutations, bit-sliced: one 64-bit word per node for banner and
/// one for feed, bit p holding the cell of node π_p(j) at position j. One pass over the graph then serves the whole
/// batch. The two words of a node sit side by side (banner at 2j, feed at 2j + 1): the exposure pass fetches both
/// for every friend, and at paper scale each fetch is a cache miss, so one line serves both. Bits at and above the
/// batch's count stay 0.
/// </summary>
internal sealed class BitSlicedAssignment
{
    public const int Width = 64;
    private const int BlockSize = 1 << 13;

    /// <summary>Gathered cells and corrected words are at random places: fetch a few ahead.</summary>
    private const int PrefetchDistance = 32;

    private readonly TreatmentCell[] _cells;
    private readonly CellMinority? _minority;

    /// <summary>Builds the assignments of <paramref name="problem"/> by <paramref name="method"/>.</summary>
    public BitSlicedAssignment(SpilloverProblem problem, AssignmentMethod method)
    {
        _cells = problem.Cells;
        // Correction writes single bytes of the words, which is bit p / 8 of a word only on a little-endian machine.
        _minority = method.Corrects(problem) && BitConverter.IsLittleEndian ? problem.Minority : null;
        Words = new ulong[2L * problem.NodeCount];
    }

    /// <summary>Banner word of node j at 2j, feed word at 2j + 1.</summary>
    public ulong[] Words { get; }

    /// <summary>Whether batches correct the majority assignment rather than gather every cell.</summary>
    public bool Corrects => _minority is not null;

    /// <summary>Fills the words for <paramref name="batch"/>.</summary>
    public void Fill(PermutationBatch batch, ParallelOptions parallel)
    {
        if (_minority is not null && !batch.Observed) FillByCorrection(_minority, batch, parallel);
        else FillByGathering(batch, parallel);
    }

    private PermutationBijection[] Bijections(PermutationBatch batch)
    {
        var bijections = new PermutationBijection[batch.Count];
        for (int p = 0; p < batch.Count; p++)
        {
            bijections[p] = new PermutationBijection(batch.Seed, (ulong)(batch.First + p), (ulong)_cells.Length);
        }
        return bijections;
    }

    /// <summary>Position j fetches the cell of node π_p(j) for every p; node blocks run in parallel, each writing its own words.</summary>
    private void FillByGathering(PermutationBatch batch, ParallelOptions parallel)
    {
        int n = _cells.Length;
        PermutationBijection[] bijections = batch.Observed ? [] : Bijections(batch);
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
                    if (t + PrefetchDistance < sources.Length) ChunkAccumulator.Prefetch(_cells, sources[t + PrefetchDistance]);
                    uint cell = (uint)_cells[sources[t]];
                    words[2 * t] |= (ulong)(cell & 1) << p;
                    words[2 * t + 1] |= (ulong)(cell >> 1) << p;
                }
            }
            return images;
        }, _ => { });
    }

    /// <summary>
    /// Every position starts in the majority cell; then for each permutation p and minority node k, position π_p⁻¹(k)
    /// (which gathering would have given k's cell) has the bits where k's cell differs flipped. Each (position, p)
    /// is reached by exactly one k, so the flips never meet and their order does not matter. Permutations are dealt
    /// out eight at a time, one byte of every word to each: threads never write the same byte.
    /// </summary>
    private void FillByCorrection(CellMinority minority, PermutationBatch batch, ParallelOptions parallel)
    {
        ulong count = (ulong)batch.Count;
        ulong mask = count == Width ? ulong.MaxValue : (1UL << (int)count) - 1;
        ulong banner = (minority.Majority & TreatmentCell.Banner) != 0 ? mask : 0;
        ulong feed = (minority.Majority & TreatmentCell.Feed) != 0 ? mask : 0;
        int n = _cells.Length;
        int blocks = (n + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, parallel, block =>
        {
            int from = block * BlockSize, to = Math.Min(n, from + BlockSize);
            Span<ulong> words = Words.AsSpan(2 * from, 2 * (to - from));
            for (int t = 0; t < words.Length; t += 2)
            {
                words[t] = banner;
                words[t + 1] = feed;
            }
        });

        PermutationBijection[] bijections = Bijections(batch);
        uint[] nodes = minority.Nodes;
        byte[] flips = minority.Flips;
        int lanes = (batch.Count + 7) / 8;
        Parallel.For(0, lanes, parallel,
            () => System.Buffers.ArrayPool<uint>.Shared.Rent(Math.Max(1, nodes.Length)),
            (lane, _, positions) =>
            {
                // Bytes past 2^31 at scale: address them from the array's start rather than through a span.
                ref byte origin = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(Words));
                int last = Math.Min(batch.Count, 8 * lane + 8);
                for (int p = 8 * lane; p < last; p++)
                {
                    bijections[p].UnmapMany(nodes, positions);
                    int bit = p & 7;
                    for (int t = 0; t < nodes.Length; t++)
                    {
                        if (t + PrefetchDistance < nodes.Length) ChunkAccumulator.Prefetch(Words, 2L * positions[t + PrefetchDistance]);
                        // Byte `lane` of position j's banner word is byte 16j + lane; its feed word follows 8 bytes on.
                        ref byte bannerByte = ref Unsafe.Add(ref origin, (nint)(16L * positions[t] + lane));
                        bannerByte ^= (byte)((flips[t] & 1) << bit);
                        Unsafe.Add(ref bannerByte, 8) ^= (byte)((flips[t] >> 1) << bit);
                    }
                }
                return positions;
            },
            positions => System.Buffers.ArrayPool<uint>.Shared.Return(positions));
    }
}
