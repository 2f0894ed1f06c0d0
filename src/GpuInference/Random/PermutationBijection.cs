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
    /// Eight lanes at a time where AVX2 is present: the same arithmetic as <see cref="Map"/>, lane by lane, since the
    /// masks keep every lane within the 32-bit words the scalar rounds work in.
    /// </summary>
    public void MapRange(ulong start, Span<uint> images)
    {
        // Below 2^32 the left half has at most 16 bits, which the 32-bit lanes rely on.
        if (Size > uint.MaxValue) throw new InvalidOperationException("MapRange needs a domain of fewer than 2^32 elements.");
        int done = Avx2.IsSupported ? MapRangeAvx2(start, images) : 0;
        for (int t = done; t < images.Length; t++) images[t] = (uint)Map(start + (ulong)t);
    }

    private int MapRangeAvx2(ulong start, Span<uint> images)
    {
        const int group = 32;
        var lanes = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        var eight = Vector256.Create(8u);
        int full = images.Length & ~(group - 1);
        // First pass: every element once, thirty-two at a time as four independent vectors. One Feistel round is a
        // serial chain of about ten cycles, so a single vector leaves the multipliers idle; four chains fill them.
        for (int t = 0; t < full; t += group)
        {
            Vector256<uint> v0 = Vector256.Create((uint)(start + (ulong)t)) + lanes, v1 = v0 + eight, v2 = v1 + eight, v3 = v2 + eight;
            Encrypt(ref v0, ref v1, ref v2, ref v3);
            v0.CopyTo(images.Slice(t));
            v1.CopyTo(images.Slice(t + 8));
            v2.CopyTo(images.Slice(t + 16));
            v3.CopyTo(images.Slice(t + 24));
        }

        // Cycle walking: only the images that fell outside [0, N) (up to half of them, 10% at paper scale) go round
        // again, packed thirty-two to a pass, so no lane encrypts for nothing while its neighbours walk on.
        int[] walking = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(1, full));
        try
        {
            int pending = 0;
            for (int t = 0; t < full; t++)
            {
                if (images[t] >= Size) walking[pending++] = t;
            }
            Span<uint> packed = stackalloc uint[group];
            while (pending >= group)
            {
                int kept = 0;
                int groups = pending & ~(group - 1);
                for (int g = 0; g < groups; g += group)
                {
                    for (int k = 0; k < group; k++) packed[k] = images[walking[g + k]];
                    Vector256<uint> v0 = Vector256.Create<uint>(packed), v1 = Vector256.Create<uint>(packed.Slice(8));
                    Vector256<uint> v2 = Vector256.Create<uint>(packed.Slice(16)), v3 = Vector256.Create<uint>(packed.Slice(24));
                    Encrypt(ref v0, ref v1, ref v2, ref v3);
                    v0.CopyTo(packed);
                    v1.CopyTo(packed.Slice(8));
                    v2.CopyTo(packed.Slice(16));
                    v3.CopyTo(packed.Slice(24));
                    for (int k = 0; k < group; k++)
                    {
                        int at = walking[g + k];
                        images[at] = packed[k];
                        if (packed[k] >= Size) walking[kept++] = at; // kept never overtakes the reading position
                    }
                }
                for (int g = groups; g < pending; g++) walking[kept++] = walking[g];
                pending = kept;
            }
            for (int i = 0; i < pending; i++)
            {
                ulong value = images[walking[i]];
                do
                {
                    value = Encrypt(value);
                }
                while (value >= Size);
                images[walking[i]] = (uint)value;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(walking);
        }
        return full;
    }

    private void Encrypt(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d)
    {
        var rightMask = Vector256.Create(_rightMask);
        Vector256<uint> la = a >>> _rightBits, ra = a & rightMask;
        Vector256<uint> lb = b >>> _rightBits, rb = b & rightMask;
        Vector256<uint> lc = c >>> _rightBits, rc = c & rightMask;
        Vector256<uint> ld = d >>> _rightBits, rd = d & rightMask;
        ReadOnlySpan<uint> keys = _keys;
        for (int round = 0; round < Rounds; round++)
        {
            var key = Vector256.Create(keys[round]);
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

    /// <summary>
    /// One Feistel round on eight 32-bit lanes; the lane-wise twin of the scalar round in <see cref="Encrypt(ulong)"/>.
    /// The scalar round needs the low 64 bits of m·L (m the 64-bit multiplier). Because the domain is below 2^32,
    /// L has at most 16 bits, so with m_lo = A·2^16 + B (A, B &lt; 2^16) both A·L and B·L are exact 32-bit products:
    /// lo32(m·L) = A·L·2^16 + B·L (mod 2^32), and hi32(m·L) = ((A·L + (B·L &gt;&gt; 16)) &gt;&gt; 16) + m_hi·L (mod 2^32),
    /// where the inner sum stays below 2^32. Three 32-bit multiplies then do what two 64-bit ones did, on twice the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Round(ref Vector256<uint> left, ref Vector256<uint> right, Vector256<uint> key)
    {
        var multiplierA = Vector256.Create((uint)((RoundMultiplier >> 16) & 0xFFFF));
        var multiplierB = Vector256.Create((uint)(RoundMultiplier & 0xFFFF));
        var multiplierHigh = Vector256.Create((uint)(RoundMultiplier >> 32));
        Vector256<uint> productA = left * multiplierA;
        Vector256<uint> productB = left * multiplierB;
        Vector256<uint> low = (productA << 16) + productB;
        Vector256<uint> high = ((productA + (productB >>> 16)) >>> 16) + left * multiplierHigh;
        Vector256<uint> nextLeft = (high ^ key) ^ right;
        Vector256<uint> nextRight = (low << (_rightBits - _leftBits)) | (right >>> _leftBits);
        left = nextLeft & Vector256.Create(_leftMask);
        right = nextRight & Vector256.Create(_rightMask);
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
