using System.Numerics;
using System.Runtime.CompilerServices;

namespace GpuInference.Random;

/// <summary>
/// Permutation number <c>b</c> of a stream, as a keyed bijection on [0, N): a 24-round Feistel network on the
/// smallest power-of-two domain of at least 2^8 that holds N ("VariablePhilox", Mitchell et al. 2022, the
/// construction behind thrust::shuffle), walked in cycles until it lands inside [0, N).
/// The 24 round keys come from Philox4x32-10 keyed by the seed, with the permutation index in the counter, so
/// permutation b is a pure function of (seed, b): no state is carried between permutations, and any backend can
/// evaluate any element of any permutation on its own. <c>kernels/bijection.h</c> holds the same arithmetic in C.
/// </summary>
public readonly struct PermutationBijection
{
    /// <summary>Feistel rounds; Mitchell et al. found 24 enough for shuffles indistinguishable from uniform.</summary>
    public const int Rounds = 24;

    /// <summary>Smallest cipher width in bits; tiny domains walk more cycles but keep every round mixing.</summary>
    public const int MinimumBits = 8;

    private const ulong RoundMultiplier = 0xD2B74407B1CE6E93;

    private readonly RoundKeys _keys;
    private readonly int _leftBits;
    private readonly int _rightBits;
    private readonly uint _leftMask;
    private readonly uint _rightMask;

    /// <summary>The size N of the permuted domain.</summary>
    public ulong Size { get; }

    [InlineArray(Rounds)]
    private struct RoundKeys
    {
        private uint _element;
    }

    /// <summary>Builds permutation <paramref name="permutationIndex"/> of the stream <paramref name="seed"/> on [0, size).</summary>
    public PermutationBijection(ulong seed, ulong permutationIndex, ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        Size = size;
        int totalBits = CipherBits(size);
        _leftBits = totalBits / 2;
        _rightBits = totalBits - _leftBits;
        _leftMask = (uint)((1UL << _leftBits) - 1);
        _rightMask = (uint)((1UL << _rightBits) - 1);
        _keys = default;
        Span<uint> keys = _keys;
        WriteRoundKeys(seed, permutationIndex, keys);
    }

    /// <summary>Bits of the power-of-two cipher domain for a set of <paramref name="size"/> elements.</summary>
    public static int CipherBits(ulong size) => Math.Max(MinimumBits, 64 - BitOperations.LeadingZeroCount(Math.Max(size, 1) - 1));

    /// <summary>
    /// The 24 round keys of permutation b: Philox4x32-10 under key (seed low, seed high) at counters
    /// (b low, b high, block, 0) for blocks 0..5, four keys a block.
    /// </summary>
    public static void WriteRoundKeys(ulong seed, ulong permutationIndex, Span<uint> keys)
    {
        for (uint block = 0; block < Rounds / 4; block++)
        {
            var (x0, x1, x2, x3) = Philox4x32.Generate(
                (uint)permutationIndex, (uint)(permutationIndex >> 32), block, 0, (uint)seed, (uint)(seed >> 32));
            keys[(int)block * 4] = x0;
            keys[(int)block * 4 + 1] = x1;
            keys[(int)block * 4 + 2] = x2;
            keys[(int)block * 4 + 3] = x3;
        }
    }

    /// <summary>The image of <paramref name="index"/> (which must be below <see cref="Size"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Map(ulong index)
    {
        ulong value = index;
        do
        {
            value = Encrypt(value);
        }
        while (value >= Size);
        return value;
    }

    private ulong Encrypt(ulong value)
    {
        uint left = (uint)(value >> _rightBits);
        uint right = (uint)(value & _rightMask);
        ReadOnlySpan<uint> keys = _keys;
        for (int round = 0; round < Rounds; round++)
        {
            ulong product = RoundMultiplier * left;
            uint mixed = (uint)(product >> 32) ^ keys[round];
            uint low = (uint)product;
            uint nextLeft = mixed ^ right;
            uint nextRight = (low << (_rightBits - _leftBits)) | (right >> _leftBits);
            left = nextLeft & _leftMask;
            right = nextRight & _rightMask;
        }
        return ((ulong)left << _rightBits) | right;
    }
}
