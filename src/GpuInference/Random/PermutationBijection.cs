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
/// evaluate any element of any permutation on its own. <c>kernels/Random/Bijection.cs</c> holds the same arithmetic for the device kernels.
/// </summary>
public readonly struct PermutationBijection
{
    /// <summary>Feistel rounds; Mitchell et al. found 24 enough for shuffles indistinguishable from uniform.</summary>
    public const int Rounds = 24;

    /// <summary>Smallest cipher width in bits; tiny domains walk more cycles but keep every round mixing.</summary>
    public const int MinimumBits = 8;

    private const ulong RoundMultiplier = 0xD2B74407B1CE6E93;

    /// <summary>The inverse of the multiplier's low half modulo 2^32 (0xB1CE6E93 · 0x212BDF9B ≡ 1).</summary>
    private const uint InverseMultiplierLow = 0x212BDF9B;

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

    /// <summary>The preimage of <paramref name="value"/> (which must be below <see cref="Size"/>): <c>Unmap(Map(i)) == i</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Unmap(ulong value)
    {
        // Cycle walking backwards: decrypt until the value is back inside [0, N). The forward walk from the
        // preimage passed through exactly the out-of-range values met here, in the opposite order.
        ulong preimage = value;
        do
        {
            preimage = Decrypt(preimage);
        }
        while (preimage >= Size);
        return preimage;
    }

    /// <summary>
    /// Writes the images of start, start+1, ... into <paramref name="images"/> (the domain must fit in 32 bits).
    /// A vector at a time where AVX2 is present (sixteen lanes where 512-bit vectors are native, eight otherwise): the
    /// same arithmetic as <see cref="Map"/>, lane by lane, since the masks keep every lane within the 32-bit words the
    /// scalar rounds work in.
    /// </summary>
    public void MapRange(ulong start, Span<uint> images)
    {
        RequireThirtyTwoBits();
        for (int t = 0; t < images.Length; t++) images[t] = (uint)(start + (ulong)t);
        int done = Avx2.IsSupported ? WalkVectors(images, inverse: false) : 0;
        for (int t = done; t < images.Length; t++) images[t] = (uint)Map(images[t]);
    }

    /// <summary>
    /// Writes the preimage of each of <paramref name="values"/> into <paramref name="preimages"/> (the domain must fit
    /// in 32 bits): lane by lane the arithmetic of <see cref="Unmap"/>, vectorized as <see cref="MapRange"/> is.
    /// </summary>
    public void UnmapMany(ReadOnlySpan<uint> values, Span<uint> preimages)
    {
        RequireThirtyTwoBits();
        if (preimages.Length < values.Length) throw new ArgumentException("one preimage per value is needed.", nameof(preimages));
        preimages = preimages[..values.Length];
        values.CopyTo(preimages);
        int done = Avx2.IsSupported ? WalkVectors(preimages, inverse: true) : 0;
        for (int t = done; t < preimages.Length; t++) preimages[t] = (uint)Unmap(preimages[t]);
    }

    private void RequireThirtyTwoBits()
    {
        // Below 2^32 the left half has at most 16 bits, which the 32-bit lanes rely on.
        if (Size > uint.MaxValue) throw new InvalidOperationException("vectorized mapping needs a domain of fewer than 2^32 elements.");
    }

    /// <summary>
    /// Maps (or, if <paramref name="inverse"/>, unmaps) the values in place, a whole number of the cipher's groups;
    /// returns how many it did, the rest being left to the scalar code. 512-bit vectors where they run natively
    /// (twice the lanes per multiply, which bounds the rounds), 256-bit ones elsewhere: the same bits either way.
    /// </summary>
    private int WalkVectors(Span<uint> values, bool inverse) =>
        Vector512.IsHardwareAccelerated ? Walk<Lanes512>(values, inverse) : Walk<Lanes256>(values, inverse);

    /// <inheritdoc cref="WalkVectors"/>
    internal int Walk<TLanes>(Span<uint> values, bool inverse) where TLanes : struct, IUintLanes<TLanes>
    {
        int group = 4 * TLanes.Count;
        int full = values.Length / group * group;
        // First pass: every element once, a group at a time as four independent vectors. One Feistel round is a
        // serial chain of about ten cycles, so a single vector leaves the multipliers idle; four chains fill them.
        for (int t = 0; t < full; t += group)
        {
            Cipher<TLanes>(values.Slice(t, group), inverse);
        }

        // Cycle walking: only the values that fell outside [0, N) (up to half of them, 10% at paper scale) go round
        // again, packed a group to a pass, so no lane works for nothing while its neighbours walk on.
        int[] walking = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(1, full));
        try
        {
            int pending = 0;
            for (int t = 0; t < full; t++)
            {
                if (values[t] >= Size) walking[pending++] = t;
            }
            Span<uint> packed = stackalloc uint[group];
            while (pending >= group)
            {
                int kept = 0;
                int groups = pending / group * group;
                for (int g = 0; g < groups; g += group)
                {
                    for (int k = 0; k < group; k++) packed[k] = values[walking[g + k]];
                    Cipher<TLanes>(packed, inverse);
                    for (int k = 0; k < group; k++)
                    {
                        int at = walking[g + k];
                        values[at] = packed[k];
                        if (packed[k] >= Size) walking[kept++] = at; // kept never overtakes the reading position
                    }
                }
                for (int g = groups; g < pending; g++) walking[kept++] = walking[g];
                pending = kept;
            }
            for (int i = 0; i < pending; i++)
            {
                ulong value = values[walking[i]];
                do
                {
                    value = inverse ? Decrypt(value) : Encrypt(value);
                }
                while (value >= Size);
                values[walking[i]] = (uint)value;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(walking);
        }
        return full;
    }

    /// <summary>
    /// One pass of the cipher (or its inverse) over four vectors of values in place, interleaved. Compiled optimized
    /// from its first call: a run's first batches call it while the rest of the program is still being compiled,
    /// which kept it in unoptimized code (its round helpers not inlined) for much of a short run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Cipher<TLanes>(Span<uint> values, bool inverse) where TLanes : struct, IUintLanes<TLanes>
    {
        int n = TLanes.Count;
        var rightMask = TLanes.Broadcast(_rightMask);
        TLanes a = TLanes.Load(values), b = TLanes.Load(values[n..]), c = TLanes.Load(values[(2 * n)..]), d = TLanes.Load(values[(3 * n)..]);
        TLanes la = a >>> _rightBits, ra = a & rightMask;
        TLanes lb = b >>> _rightBits, rb = b & rightMask;
        TLanes lc = c >>> _rightBits, rc = c & rightMask;
        TLanes ld = d >>> _rightBits, rd = d & rightMask;
        ReadOnlySpan<uint> keys = _keys;
        if (inverse)
        {
            for (int round = Rounds - 1; round >= 0; round--)
            {
                var key = TLanes.Broadcast(keys[round]);
                InverseRound(ref la, ref ra, key);
                InverseRound(ref lb, ref rb, key);
                InverseRound(ref lc, ref rc, key);
                InverseRound(ref ld, ref rd, key);
            }
        }
        else
        {
            for (int round = 0; round < Rounds; round++)
            {
                var key = TLanes.Broadcast(keys[round]);
                Round(ref la, ref ra, key);
                Round(ref lb, ref rb, key);
                Round(ref lc, ref rc, key);
                Round(ref ld, ref rd, key);
            }
        }
        ((la << _rightBits) | ra).Store(values);
        ((lb << _rightBits) | rb).Store(values[n..]);
        ((lc << _rightBits) | rc).Store(values[(2 * n)..]);
        ((ld << _rightBits) | rd).Store(values[(3 * n)..]);
    }

    /// <summary>
    /// One Feistel round on a vector of 32-bit lanes; the lane-wise twin of the scalar round in <see cref="Encrypt(ulong)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Round<TLanes>(ref TLanes left, ref TLanes right, TLanes key) where TLanes : struct, IUintLanes<TLanes>
    {
        TLanes high = MultiplyHigh(left, out TLanes low);
        TLanes nextLeft = (high ^ key) ^ right;
        TLanes nextRight = (low << (_rightBits - _leftBits)) | (right >>> _leftBits);
        left = nextLeft & TLanes.Broadcast(_leftMask);
        right = nextRight & TLanes.Broadcast(_rightMask);
    }

    /// <summary>
    /// <see cref="Round"/> undone on a vector of lanes; the lane-wise twin of the scalar round in <see cref="Decrypt(ulong)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void InverseRound<TLanes>(ref TLanes left, ref TLanes right, TLanes key) where TLanes : struct, IUintLanes<TLanes>
    {
        int shift = _rightBits - _leftBits;
        var leftMask = TLanes.Broadcast(_leftMask);
        TLanes previousLeft = ((right >>> shift) * TLanes.Broadcast(InverseMultiplierLow)) & leftMask;
        TLanes high = MultiplyHigh(previousLeft, out _);
        TLanes previousRight = ((left ^ high ^ key) & leftMask) | ((right & TLanes.Broadcast((1u << shift) - 1)) << _leftBits);
        left = previousLeft;
        right = previousRight;
    }

    /// <summary>
    /// The two 32-bit halves of m·L for each lane, m the 64-bit round multiplier. Because the domain is below 2^32,
    /// L has at most 16 bits, so with m_lo = A·2^16 + B (A, B &lt; 2^16) both A·L and B·L are exact 32-bit products:
    /// lo32(m·L) = A·L·2^16 + B·L (mod 2^32), and hi32(m·L) = ((A·L + (B·L &gt;&gt; 16)) &gt;&gt; 16) + m_hi·L (mod 2^32),
    /// where the inner sum stays below 2^32. Three 32-bit multiplies then do what two 64-bit ones did, on twice the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes MultiplyHigh<TLanes>(TLanes left, out TLanes low) where TLanes : struct, IUintLanes<TLanes>
    {
        var multiplierA = TLanes.Broadcast((uint)((RoundMultiplier >> 16) & 0xFFFF));
        var multiplierB = TLanes.Broadcast((uint)(RoundMultiplier & 0xFFFF));
        var multiplierHigh = TLanes.Broadcast((uint)(RoundMultiplier >> 32));
        TLanes productA = left * multiplierA;
        TLanes productB = left * multiplierB;
        low = (productA << 16) + productB;
        return ((productA + (productB >>> 16)) >>> 16) + left * multiplierHigh;
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

    /// <summary>
    /// <see cref="Encrypt(ulong)"/> undone, round by round from the last. A round sends (L, R) to
    /// (f(L) ^ R low bits, lo(m·L) low bits : R's top bit), so its output gives back lo(m·L) mod 2^left, hence L
    /// (m is odd, so multiplying by its inverse mod 2^32 recovers L), then f(L) and the low bits of R.
    /// </summary>
    private ulong Decrypt(ulong value)
    {
        int shift = _rightBits - _leftBits;
        uint left = (uint)(value >> _rightBits);
        uint right = (uint)(value & _rightMask);
        ReadOnlySpan<uint> keys = _keys;
        for (int round = Rounds - 1; round >= 0; round--)
        {
            uint previousLeft = ((right >> shift) * InverseMultiplierLow) & _leftMask;
            ulong product = RoundMultiplier * previousLeft;
            uint mixed = (uint)(product >> 32) ^ keys[round];
            uint previousRight = ((left ^ mixed) & _leftMask) | ((right & ((1u << shift) - 1)) << _leftBits);
            left = previousLeft;
            right = previousRight;
        }
        return ((ulong)left << _rightBits) | right;
    }
}
