using System.Numerics;

namespace GpuInference.Design.Randomization;

/// <summary>
/// A re-randomization design over units 0..n-1 (graph nodes), each carrying one small integer code (the permuted
/// columns combined, e.g. (banner, feed) as 0..3, or an arm's category index). Permutation b of stream
/// <c>seed</c> is a pure function of (seed, b): the same codes whatever the batch, thread or order of calls, so any
/// backend can draw any permutation on its own. Draws allocate nothing that outlives the call and take O(n) time;
/// a design may be shared by threads drawing different permutations at once.
/// </summary>
public interface IAssignmentDesign
{
    /// <summary>The number of units n.</summary>
    int UnitCount { get; }

    /// <summary>One more than the largest code the design can draw: codes lie in [0, CodeCount).</summary>
    int CodeCount { get; }

    /// <summary>
    /// How many permutations the design can supply: indices 0..PermutationLimit-1. Null when every index is allowed
    /// (a randomized design); a count for a file of assignments.
    /// </summary>
    long? PermutationLimit { get; }

    /// <summary>One line for reports, e.g. <c>clusters within blocks: 1,200 units in 240 clusters and 12 blocks</c>.</summary>
    string Describe();

    /// <summary>
    /// The number of distinct code vectors the design can draw, exactly (for a file, its distinct columns). Large
    /// designs give very large numbers and take time to build: prefer <see cref="LogAssignmentCount"/> there.
    /// </summary>
    BigInteger CountAssignments();

    /// <summary>The natural logarithm of <see cref="CountAssignments"/>, in O(n) time.</summary>
    double LogAssignmentCount();

    /// <summary>Writes the codes of permutation <paramref name="permutation"/> of stream <paramref name="seed"/>, one per unit.</summary>
    void Draw(ulong seed, long permutation, Span<int> drawn);

    /// <summary>As <see cref="Draw(ulong, long, Span{int})"/>, into bytes; needs <see cref="CodeCount"/> of at most 256.</summary>
    void Draw(ulong seed, long permutation, Span<byte> drawn);
}
