using GpuInference.Kernels.Random;
using ILGPU;

namespace GpuInference.Kernels.Assignment;

/// <summary>
/// The permuted assignment of a batch, bit-sliced: words[2j] bit p is the banner of the node that permutation p puts
/// at position j, words[2j + 1] bit p its feed; bits at or above the batch count stay 0. Two ways give the same bits:
/// <list type="bullet">
/// <item><see cref="Gather"/>: every position j fetches the cell of node π_p(j), N forward bijections per permutation.</item>
/// <item><see cref="FillMajority"/> then <see cref="CorrectMinority"/>: every position starts in the majority cell and
/// each node k outside it flips the bits of position π_p⁻¹(k). Where 96% of people share a cell (the paper's design),
/// that is 25 times fewer bijections.</item>
/// </list>
/// </summary>
public static class AssignmentKernels
{
    /// <summary>One work-item per permutation: keys[p × 24 + round] for permutations first .. first + extent - 1.</summary>
    internal static void RoundKeys(Index1D p, ArrayView<uint> keys, ulong seed, ulong first) =>
        Bijection.WriteRoundKeys(seed, first + (ulong)p.X, keys.SubView(p.X * KernelLimits.BijectionRounds, KernelLimits.BijectionRounds));

    /// <summary>
    /// One work-item per position j (groups of <see cref="KernelLimits.NodeGroupSize"/>): the words of j from the cells
    /// of π_p(j) for each p &lt; count. <paramref name="observed"/> ≠ 0 asks for the identity (a batch of one).
    /// </summary>
    internal static void Gather(
        ArrayView<byte> cells, ArrayView<uint> keys, ArrayView<ulong> words, BijectionShape shape, int count, int observed)
    {
        ArrayView<uint> staged = StagedKeys.Stage(keys, observed != 0 ? 0 : count);
        int j = Grid.GlobalIndex.X;
        if ((uint)j >= shape.Size) return;

        ulong banner = 0;
        ulong feed = 0;
        for (int p = 0; p < count; p++)
        {
            uint source = observed != 0 ? (uint)j : Bijection.Map((uint)j, StagedKeys.Of(staged, p), shape);
            uint cell = cells[(long)source];
            banner |= (ulong)(cell & 1u) << p;
            feed |= (ulong)((cell >> 1) & 1u) << p;
        }
        words[2L * j] = banner;
        words[2L * j + 1] = feed;
    }

    /// <summary>One work-item per position: the majority cell's words (each all ones below the batch count, or 0).</summary>
    internal static void FillMajority(Index1D j, ArrayView<ulong> words, ulong banner, ulong feed)
    {
        words[2L * j.X] = banner;
        words[2L * j.X + 1] = feed;
    }

    /// <summary>
    /// After <see cref="FillMajority"/>, one work-item per minority node k = nodes[t]: for each p &lt; count, position
    /// j = π_p⁻¹(k) is where the gather would put k's cell, so the bits of j where k's cell differs from the majority
    /// (flips[t]: bit 0 banner, bit 1 feed) are flipped. Each (j, p) is reached by exactly one k, so flips never meet
    /// on a bit and their order does not matter; they are atomic only because work-items share 32-bit words. Bit p of
    /// the 64-bit word w is bit p % 32 of its 32-bit half 2w + p / 32: devices are little-endian (the host checks).
    /// </summary>
    internal static void CorrectMinority(
        ArrayView<uint> nodes, ArrayView<byte> flips, ArrayView<uint> keys, ArrayView<uint> halves, BijectionShape shape, int count)
    {
        ArrayView<uint> staged = StagedKeys.Stage(keys, count);
        int t = Grid.GlobalIndex.X;
        if (t >= nodes.IntLength) return;

        uint node = nodes[t];
        uint flip = flips[t];
        for (int p = 0; p < count; p++)
        {
            long position = Bijection.Unmap(node, StagedKeys.Of(staged, p), shape);
            uint bit = 1u << (p & 31);
            if ((flip & 1u) != 0) Atomic.Xor(ref halves[position * 4 + (p >> 5)], bit);
            if ((flip & 2u) != 0) Atomic.Xor(ref halves[position * 4 + 2 + (p >> 5)], bit);
        }
    }
}
