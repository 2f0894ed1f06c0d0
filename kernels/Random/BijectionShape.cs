namespace GpuInference.Kernels.Random;

/// <summary>
/// The split of the Feistel cipher behind a permutation of [0, Size): the smallest power-of-two domain of at least
/// 2^8 that holds Size, cut into a left half of LeftBits and a right half of RightBits (LeftBits or LeftBits + 1).
/// The host computes it once per problem.
/// </summary>
public readonly struct BijectionShape
{
    /// <summary>Smallest cipher domain, in bits (as PermutationBijection.MinimumBits on the host).</summary>
    public const int MinimumBits = 8;

    public BijectionShape(uint size)
    {
        int bits = MinimumBits;
        while (bits < 32 && (1UL << bits) < size) bits++;
        Size = size;
        LeftBits = (uint)(bits / 2);
        RightBits = (uint)(bits - bits / 2);
    }

    /// <summary>N: the bijection maps [0, N) onto itself.</summary>
    public uint Size { get; }

    public uint LeftBits { get; }

    public uint RightBits { get; }

    /// <summary>Mask of the left half's bits.</summary>
    public uint LeftMask => (1u << (int)LeftBits) - 1u;

    /// <summary>Mask of the right half's bits.</summary>
    public uint RightMask => (1u << (int)RightBits) - 1u;

    /// <summary>How much wider the right half is than the left (0 or 1).</summary>
    public int Shift => (int)(RightBits - LeftBits);
}
