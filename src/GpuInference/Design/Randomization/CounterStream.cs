using System.Runtime.CompilerServices;
using GpuInference.Random;

namespace GpuInference.Design.Randomization;

/// <summary>
/// A stream of 32-bit words that is a pure function of (seed, permutation, lane, purpose): Philox4x32-10 keyed by the
/// seed, with the permutation index in counter words 0–1, the lane (a block or an item) in word 2, and the purpose
/// tag in the top byte of word 3 above a running chunk index. Nothing depends on the order of calls or on threads.
/// </summary>
internal struct CounterStream
{
    private readonly uint _key0;
    private readonly uint _key1;
    private readonly uint _counter0;
    private readonly uint _counter1;
    private readonly uint _lane;
    private readonly uint _tag;
    private uint _chunk;
    private uint _x0, _x1, _x2, _x3;
    private int _used;

    /// <summary>Starts the stream of <paramref name="lane"/> for <paramref name="purpose"/> in permutation <paramref name="permutation"/>.</summary>
    public CounterStream(ulong seed, ulong permutation, uint lane, StreamPurpose purpose)
    {
        _key0 = (uint)seed;
        _key1 = (uint)(seed >> 32);
        _counter0 = (uint)permutation;
        _counter1 = (uint)(permutation >> 32);
        _lane = lane;
        _tag = (uint)purpose << 24;
        _chunk = 0;
        _x0 = _x1 = _x2 = _x3 = 0;
        _used = 4;
    }

    /// <summary>The next word of the stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next()
    {
        if (_used == 4) Refill();
        return _used++ switch { 0 => _x0, 1 => _x1, 2 => _x2, _ => _x3 };
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="bound"/>), exactly: Lemire's multiply-shift with rejection of the
    /// (2^32 mod bound) low products that would bias it ("Fast random integer generation in an interval", 2019).
    /// </summary>
    public uint NextBelow(uint bound)
    {
        ulong product = (ulong)Next() * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)Next() * bound;
                low = (uint)product;
            }
        }
        return (uint)(product >> 32);
    }

    private void Refill()
    {
        if (_chunk > 0x00FF_FFFF) throw new InvalidOperationException("a counter stream ran past 2^24 chunks.");
        (_x0, _x1, _x2, _x3) = Philox4x32.Generate(_counter0, _counter1, _lane, _tag | _chunk, _key0, _key1);
        _chunk++;
        _used = 0;
    }

    /// <summary>
    /// Four independent words for <paramref name="lane"/> without a stream: the first chunk of
    /// <paramref name="purpose"/>'s stream, so <c>Words(...)</c> and a fresh stream agree.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Words(ulong seed, ulong permutation, uint lane, StreamPurpose purpose)
        => Philox4x32.Generate((uint)permutation, (uint)(permutation >> 32), lane, (uint)purpose << 24, (uint)seed, (uint)(seed >> 32));
}

/// <summary>What a counter stream is drawn for; each purpose owns its own counters, so no two draws share bits.</summary>
internal enum StreamPurpose : byte
{
    /// <summary>The key of a large block's bijection (permutation 0 of this stream; the bijection adds b itself).</summary>
    BlockKey = 1,

    /// <summary>The Fisher–Yates swaps of a small block.</summary>
    Shuffle = 2,

    /// <summary>Bernoulli redraws, four items to a chunk, indexed by item / 4.</summary>
    Redraw = 3,

    /// <summary>A Bernoulli redraw whose first word was rejected: its own stream, indexed by the item.</summary>
    RedrawRetry = 4,
}
