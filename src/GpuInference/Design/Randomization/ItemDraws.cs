using System.Runtime.InteropServices;
using GpuInference.Random;

namespace GpuInference.Design.Randomization;

/// <summary>
/// The random part of every randomized design: for permutation b of a stream, which item (unit or cluster) each item
/// takes its code from. Items are grouped in blocks (one block when the design has none); a permutation keeps every
/// item's source inside its block, and a Bernoulli redraw picks the source uniformly from the block.
/// <para>
/// Every bit is a pure function of (seed, b): a block of more than <see cref="ShuffleLimit"/> items (or the only
/// block) is permuted by <see cref="PermutationBijection"/> (the only block under the seed itself, so a complete
/// design matches the engine's own permutations; other blocks under a key drawn from the seed and the block's
/// index), and a smaller block by a Fisher–Yates shuffle on its own counter stream, since the bijection's smallest
/// cipher domain (2^8) would make a pair of units walk 128 cycles per element.
/// </para>
/// </summary>
internal sealed class ItemDraws
{
    /// <summary>The largest block that is shuffled rather than mapped through a bijection.</summary>
    public const int ShuffleLimit = 256;

    /// <summary>Items mapped through a bijection per pass, on the stack.</summary>
    private const int MapChunk = 1024;

    private readonly Grouping _blocks;
    private readonly bool _bernoulli;
    private readonly int _shuffleLimit;

    /// <summary>Draws over the items of <paramref name="blocks"/>; <paramref name="shuffleLimit"/> (at most <see cref="ShuffleLimit"/>) exists for tests that force the bijection path.</summary>
    public ItemDraws(Grouping blocks, bool bernoulli, int shuffleLimit = ShuffleLimit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shuffleLimit, ShuffleLimit);
        _blocks = blocks;
        _bernoulli = bernoulli;
        _shuffleLimit = shuffleLimit;
    }

    /// <summary>Whether the items form one block of more than one item (complete randomization): see <see cref="OneBlockPreimages"/>.</summary>
    public bool IsOneBlock => _blocks.Count == 1 && _blocks.SizeOf(0) > 1;

    /// <summary>
    /// For a design of one block (<see cref="IsOneBlock"/>, whose order is item order): the items whose sources under
    /// permutation <paramref name="permutation"/> are <paramref name="marked"/>, in that order, which is what
    /// <see cref="MarkedSources"/> pairs with them, with nothing else written.
    /// </summary>
    public void OneBlockPreimages(ulong seed, ulong permutation, ReadOnlySpan<uint> marked, Span<int> items)
    {
        if (!IsOneBlock || _bernoulli) throw new InvalidOperationException("only a permutation of one block maps its items by one bijection.");
        // Positions are below 2^31, so the preimages are written straight into the items as unsigned.
        new PermutationBijection(seed, permutation, (ulong)_blocks.SizeOf(0)).UnmapMany(marked, MemoryMarshal.Cast<int, uint>(items[..marked.Length]));
    }

    /// <summary>Writes, for every item, the item whose code it takes in permutation <paramref name="permutation"/>.</summary>
    public void Sources(ulong seed, ulong permutation, Span<int> sources)
    {
        if (_bernoulli) Redraw(seed, permutation, sources);
        else Permute(seed, permutation, sources);
    }

    private void Permute(ulong seed, ulong permutation, Span<int> sources)
    {
        int[] order = _blocks.Order;
        Span<int> positions = stackalloc int[ShuffleLimit];
        for (int block = 0; block < _blocks.Count; block++)
        {
            int start = _blocks.Starts[block], size = _blocks.SizeOf(block);
            if (size == 1) sources[order[start]] = order[start];
            else if (_blocks.Count == 1) Map(new PermutationBijection(seed, permutation, (ulong)size), order.AsSpan(start, size), sources);
            else if (size <= _shuffleLimit) Shuffle(new CounterStream(seed, permutation, (uint)block, StreamPurpose.Shuffle), order.AsSpan(start, size), sources, positions);
            else Map(new PermutationBijection(BlockKey(seed, block), permutation, (ulong)size), order.AsSpan(start, size), sources);
        }
    }

    /// <summary>
    /// The items whose source under permutation <paramref name="permutation"/> is one of <paramref name="marked"/>
    /// (block positions, grouped by block as <paramref name="markedStarts"/> says), as pairs (item, source item),
    /// exactly as <see cref="Sources"/> would pair them. Costs O(marked) for blocks that go through the bijection, and
    /// a shuffle of each small block holding a marked item; blocks with none are skipped. Permutation designs only.
    /// </summary>
    /// <returns>The number of pairs written.</returns>
    public int MarkedSources(ulong seed, ulong permutation, uint[] marked, int[] markedStarts, Span<int> items, Span<int> sources)
    {
        if (_bernoulli) throw new InvalidOperationException("Bernoulli redraws move every item: draw them all.");
        int[] order = _blocks.Order;
        Span<int> positions = stackalloc int[ShuffleLimit];
        uint[] preimages = System.Buffers.ArrayPool<uint>.Shared.Rent(Math.Max(1, marked.Length));
        try
        {
            int written = 0;
            for (int block = 0; block < _blocks.Count; block++)
            {
                int from = markedStarts[block], to = markedStarts[block + 1];
                if (from == to) continue;
                int start = _blocks.Starts[block], size = _blocks.SizeOf(block);
                ReadOnlySpan<uint> members = marked.AsSpan(from, to - from);
                if (size == 1)
                {
                    items[written] = sources[written] = order[start];
                    written++;
                }
                else if (_blocks.Count == 1 || size > _shuffleLimit)
                {
                    if (_blocks.Count == 1)
                    {
                        // The only block lists every item in item order: a position is its item, with no lookup at a
                        // random place of the order for every change.
                        OneBlockPreimages(seed, permutation, members, items[written..]);
                        for (int t = 0; t < members.Length; t++) sources[written + t] = (int)members[t];
                        written += members.Length;
                        continue;
                    }
                    Span<uint> pre = preimages.AsSpan(0, members.Length);
                    new PermutationBijection(BlockKey(seed, block), permutation, (ulong)size).UnmapMany(members, pre);
                    for (int t = 0; t < members.Length; t++, written++)
                    {
                        items[written] = order[start + (int)pre[t]];
                        sources[written] = order[start + (int)members[t]];
                    }
                }
                else
                {
                    Span<int> drawn = positions[..size];
                    Shuffled(new CounterStream(seed, permutation, (uint)block, StreamPurpose.Shuffle), drawn);
                    for (int j = 0; j < size; j++)
                    {
                        if (members.IndexOf((uint)drawn[j]) < 0) continue;
                        items[written] = order[start + j];
                        sources[written] = order[start + drawn[j]];
                        written++;
                    }
                }
            }
            return written;
        }
        finally
        {
            System.Buffers.ArrayPool<uint>.Shared.Return(preimages);
        }
    }

    /// <summary>The bijection key of block <paramref name="block"/>: two words of the seed's block-key stream.</summary>
    private static ulong BlockKey(ulong seed, int block)
    {
        var (x0, x1, _, _) = CounterStream.Words(seed, 0, (uint)block, StreamPurpose.BlockKey);
        return x0 | ((ulong)x1 << 32);
    }

    /// <summary>Position j of the block takes the code of the block's item at position π(j).</summary>
    private static void Map(PermutationBijection bijection, ReadOnlySpan<int> members, Span<int> sources)
    {
        Span<uint> images = stackalloc uint[MapChunk];
        for (int from = 0; from < members.Length; from += MapChunk)
        {
            Span<uint> chunk = images[..Math.Min(MapChunk, members.Length - from)];
            bijection.MapRange((ulong)from, chunk);
            for (int t = 0; t < chunk.Length; t++) sources[members[from + t]] = members[(int)chunk[t]];
        }
    }

    /// <summary>Fisher–Yates from the last position down, each swap partner exactly uniform.</summary>
    private static void Shuffle(CounterStream stream, ReadOnlySpan<int> members, Span<int> sources, Span<int> scratch)
    {
        Span<int> positions = scratch[..members.Length];
        Shuffled(stream, positions);
        for (int j = 0; j < positions.Length; j++) sources[members[j]] = members[positions[j]];
    }

    /// <summary>positions[j]: the block position whose item position j takes.</summary>
    private static void Shuffled(CounterStream stream, Span<int> positions)
    {
        for (int j = 0; j < positions.Length; j++) positions[j] = j;
        for (int j = positions.Length - 1; j > 0; j--)
        {
            int k = (int)stream.NextBelow((uint)j + 1);
            (positions[j], positions[k]) = (positions[k], positions[j]);
        }
    }

    /// <summary>
    /// Each item takes the code of an item of its block drawn uniformly (with replacement), so codes are redrawn
    /// independently with the block's observed shares. Item i uses word i mod 4 of chunk i / 4; a word whose
    /// multiply-shift would be biased is replaced by item i's own retry stream, which keeps the draw exact.
    /// </summary>
    private void Redraw(ulong seed, ulong permutation, Span<int> sources)
    {
        int[] order = _blocks.Order, starts = _blocks.Starts, blockOf = _blocks.IndexOf;
        int items = blockOf.Length;
        for (int first = 0; first < items; first += 4)
        {
            var (x0, x1, x2, x3) = CounterStream.Words(seed, permutation, (uint)(first >> 2), StreamPurpose.Redraw);
            int last = Math.Min(items, first + 4);
            for (int item = first; item < last; item++)
            {
                uint word = (item - first) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
                int block = blockOf[item];
                uint size = (uint)(starts[block + 1] - starts[block]);
                ulong product = (ulong)word * size;
                uint pick = (uint)(product >> 32);
                if ((uint)product < size && (uint)product < (0u - size) % size)
                {
                    pick = new CounterStream(seed, permutation, (uint)item, StreamPurpose.RedrawRetry).NextBelow(size);
                }
                sources[item] = order[starts[block] + (int)pick];
            }
        }
    }
}
