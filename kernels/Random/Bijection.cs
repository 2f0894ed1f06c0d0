using ILGPU;

namespace GpuInference.Kernels.Random;

/// <summary>
/// Permutation b of a stream as a keyed bijection on [0, N), as device code: 24 Feistel rounds (VariablePhilox,
/// Mitchell et al. 2022) on the power-of-two domain of a <see cref="BijectionShape"/>, walked in cycles until the
/// value lands in [0, N). The same arithmetic as src/GpuInference/Random/PermutationBijection.cs, which the tests
/// hold it to. Round keys are read from a view (shared memory in the batch kernels), 24 words per permutation.
/// </summary>
public static class Bijection
{
    /// <summary>0xD2B74407B1CE6E93 in two halves: its product with a 32-bit value is built from 32-bit multiplies.</summary>
    private const uint MultiplierHigh = 0xD2B74407u;
    private const uint MultiplierLow = 0xB1CE6E93u;

    /// <summary>The inverse of <see cref="MultiplierLow"/> modulo 2^32: a round's output gives back its left input.</summary>
    private const uint MultiplierLowInverse = 0x212BDF9Bu;

    /// <summary>
    /// Writes the round keys of permutation <paramref name="index"/> of stream <paramref name="seed"/>: Philox4x32-10
    /// under key (seed low, seed high) at counters (index low, index high, block, 0) for blocks 0..5, four keys each.
    /// </summary>
    public static void WriteRoundKeys(ulong seed, ulong index, ArrayView<uint> keys)
    {
        for (int block = 0; block < KernelLimits.BijectionRounds / 4; block++)
        {
            PhiloxBlock r = Philox.Encrypt((uint)index, (uint)(index >> 32), (uint)block, 0u, (uint)seed, (uint)(seed >> 32), 10);
            keys[block * 4 + 0] = r.X0;
            keys[block * 4 + 1] = r.X1;
            keys[block * 4 + 2] = r.X2;
            keys[block * 4 + 3] = r.X3;
        }
    }

    /// <summary>The image of <paramref name="index"/> (&lt; N): encrypt until the value falls inside [0, N).</summary>
    public static uint Map(uint index, ArrayView<uint> keys, BijectionShape shape)
    {
        uint value = index;
        do
        {
            value = Encrypt(value, keys, shape);
        }
        while (value >= shape.Size);
        return value;
    }

    /// <summary>The preimage of <paramref name="value"/> (&lt; N): decrypt until the value falls back inside [0, N).</summary>
    public static uint Unmap(uint value, ArrayView<uint> keys, BijectionShape shape)
    {
        uint preimage = value;
        do
        {
            preimage = Decrypt(preimage, keys, shape);
        }
        while (preimage >= shape.Size);
        return preimage;
    }

    /// <summary>The high 32 bits of (multiplier × left) mod 2^64; the low half is MultiplierLow × left.</summary>
    private static uint ProductHigh(uint left) => (uint)(((ulong)MultiplierLow * left) >> 32) + MultiplierHigh * left;

    /// <summary>One pass of the Feistel network over the power-of-two domain.</summary>
    private static uint Encrypt(uint value, ArrayView<uint> keys, BijectionShape shape)
    {
        uint leftMask = shape.LeftMask, rightMask = shape.RightMask;
        int shift = shape.Shift;
        uint left = value >> (int)shape.RightBits;
        uint right = value & rightMask;
        for (int round = 0; round < KernelLimits.BijectionRounds; round++)
        {
            uint mixed = ProductHigh(left) ^ keys[round];
            uint nextLeft = mixed ^ right;
            uint nextRight = ((MultiplierLow * left) << shift) | (right >> (int)shape.LeftBits);
            left = nextLeft & leftMask;
            right = nextRight & rightMask;
        }
        return (left << (int)shape.RightBits) | right;
    }

    /// <summary><see cref="Encrypt"/> undone, round by round from the last.</summary>
    private static uint Decrypt(uint value, ArrayView<uint> keys, BijectionShape shape)
    {
        uint leftMask = shape.LeftMask, rightMask = shape.RightMask;
        int shift = shape.Shift;
        uint left = value >> (int)shape.RightBits;
        uint right = value & rightMask;
        for (int step = 0; step < KernelLimits.BijectionRounds; step++)
        {
            int round = KernelLimits.BijectionRounds - 1 - step;
            uint previousLeft = ((right >> shift) * MultiplierLowInverse) & leftMask;
            uint mixed = ProductHigh(previousLeft) ^ keys[round];
            uint previousRight = ((left ^ mixed) & leftMask) | ((right & ((1u << shift) - 1u)) << (int)shape.LeftBits);
            left = previousLeft;
            right = previousRight;
        }
        return (left << (int)shape.RightBits) | right;
    }
}
