using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>
    /// Writes the images of start, start+1, ... into <paramref name="images"/> (the domain must fit in 32 bits).
    /// Four lanes at a time where AVX2 is present: the same arithmetic as <see cref="Map"/>, lane by lane, since the
    /// masks keep every lane within the 32-bit words the scalar rounds work in.
    /// </summary>
    public void MapRange(ulong start, Span<uint> images)
    {
        if (Size > uint.MaxValue + 1UL) throw new InvalidOperationException("MapRange needs a domain of at most 2^32 elements.");
        int done = Avx2.IsSupported ? MapRangeAvx2(start, images) : 0;
        for (int t = done; t < images.Length; t++) images[t] = (uint)Map(start + (ulong)t);
    }

    private int MapRangeAvx2(ulong start, Span<uint> images)
    {
        var size = Vector256.Create(Size);
        var lanes = Vector256.Create(0UL, 1, 2, 3);
        var four = Vector256.Create(4UL);
        int t = 0;
        // Sixteen elements a pass, as four independent vectors: one Feistel round is a serial chain of about ten
        // cycles, so a single vector leaves the multipliers idle; four chains interleaved round by round fill them.
        for (; t + 16 <= images.Length; t += 16)
        {
            Vector256<ulong> v0 = Vector256.Create(start + (ulong)t) + lanes, v1 = v0 + four, v2 = v1 + four, v3 = v2 + four;
            Vector256<ulong> p0 = Vector256<ulong>.AllBitsSet, p1 = p0, p2 = p0, p3 = p0;
            do
            {
                // Cycle walking: only lanes still outside [0, N) take another pass.
                Vector256<ulong> e0 = v0, e1 = v1, e2 = v2, e3 = v3;
                Encrypt(ref e0, ref e1, ref e2, ref e3);
                v0 = Vector256.ConditionalSelect(p0, e0, v0);
                v1 = Vector256.ConditionalSelect(p1, e1, v1);
                v2 = Vector256.ConditionalSelect(p2, e2, v2);
                v3 = Vector256.ConditionalSelect(p3, e3, v3);
                p0 = Vector256.GreaterThanOrEqual(v0, size);
                p1 = Vector256.GreaterThanOrEqual(v1, size);
                p2 = Vector256.GreaterThanOrEqual(v2, size);
                p3 = Vector256.GreaterThanOrEqual(v3, size);
            }
            while (((p0 | p1) | (p2 | p3)) != Vector256<ulong>.Zero);
            Store(v0, images.Slice(t));
            Store(v1, images.Slice(t + 4));
            Store(v2, images.Slice(t + 8));
            Store(v3, images.Slice(t + 12));
        }
        return t;
    }

    private static void Store(Vector256<ulong> value, Span<uint> images)
    {
        images[0] = (uint)value.GetElement(0);
        images[1] = (uint)value.GetElement(1);
        images[2] = (uint)value.GetElement(2);
        images[3] = (uint)value.GetElement(3);
    }

    private void Encrypt(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        var rightMask = Vector256.Create((ulong)_rightMask);
        Vector256<ulong> la = a >>> _rightBits, ra = a & rightMask;
        Vector256<ulong> lb = b >>> _rightBits, rb = b & rightMask;
        Vector256<ulong> lc = c >>> _rightBits, rc = c & rightMask;
        Vector256<ulong> ld = d >>> _rightBits, rd = d & rightMask;
        ReadOnlySpan<uint> keys = _keys;
        for (int round = 0; round < Rounds; round++)
        {
            var key = Vector256.Create((ulong)keys[round]);
            Round(ref la, ref ra, key);
            Round(ref lb, ref rb, key);
            Round(ref lc, ref rc, key);
            Round(ref ld, ref rd, key);
        }
        a = (la << _rightBits) | ra;
        b = (lb << _rightBits) | rb;
        c = (lc << _rightBits) | rc;
        d = (ld << _rightBits) | rd;
    }

    /// <summary>One Feistel round on four lanes; the lane-wise twin of the scalar round in <see cref="Encrypt(ulong)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Round(ref Vector256<ulong> left, ref Vector256<ulong> right, Vector256<ulong> key)
    {
        var low32 = Vector256.Create((ulong)uint.MaxValue);
        // The 64×32-bit product's low 64 bits from two 32×32 multiplies: high word = hi(m_lo·L) + lo(m_hi·L).
        var multiplierLow = Vector256.Create(RoundMultiplier & uint.MaxValue).AsUInt32();
        var multiplierHigh = Vector256.Create(RoundMultiplier >> 32).AsUInt32();
        Vector256<ulong> productLow = Avx2.Multiply(left.AsUInt32(), multiplierLow);
        Vector256<ulong> productHigh = Avx2.Multiply(left.AsUInt32(), multiplierHigh);
        Vector256<ulong> high = ((productLow >>> 32) + productHigh) & low32;
        Vector256<ulong> nextLeft = (high ^ key) ^ right;
        Vector256<ulong> nextRight = ((productLow & low32) << (_rightBits - _leftBits)) | (right >>> _leftBits);
        left = nextLeft & Vector256.Create((ulong)_leftMask);
        right = nextRight & Vector256.Create((ulong)_rightMask);
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
