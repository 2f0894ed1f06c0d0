using GpuInference.Backends.Models;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The friend counts the first pass keeps for the second: each kept byte is the number of friends whose bit is set,
/// and terms evaluated from the kept counts have the walk's bits, for isolated units, a duplicate tie and a hub past
/// the byte counters (walked again, never kept).
/// </summary>
public sealed unsafe class FriendCountsTests
{
    private const int W = ModelSlots.Width;

    [FullLaneAtomsFact]
    public void KeptCountsGiveTheWalksTerms()
    {
        ModelProblem problem = ChangedNodeSumsTests.Problem(baseline: 1, seed: 5, weighted: false);
        ulong[] words = ChangedNodeSumsTests.Words(problem, atBaseline: 0.6, count: W, seed: 11);
        FriendCounts? counts = FriendCounts.For(problem);
        Assert.NotNull(counts);
        var walked = new UnitTerms(problem);
        var keeping = new UnitTerms(problem) { Counts = counts, CountsReused = false };
        var reusing = new UnitTerms(problem) { Counts = counts, CountsReused = true };
        int indicators = problem.IndicatorCount;
        for (int u = 0; u < problem.UnitCount; u++) keeping.Evaluate(words, u, W);
        for (int u = 0; u < problem.UnitCount; u++)
        {
            long first = problem.RowOffsets[u], end = problem.RowOffsets[u + 1];
            if (end - first <= byte.MaxValue)
            {
                for (int i = 0; i < indicators; i++)
                {
                    for (int p = 0; p < W; p++)
                    {
                        int friends = 0;
                        for (long e = first; e < end; e++) friends += (int)(words[problem.Neighbors[e] * indicators + i] >> p & 1);
                        Assert.Equal(friends, counts!.Of(u)[i * W + p]);
                    }
                }
            }
            walked.Evaluate(words, u, W);
            reusing.Evaluate(words, u, W);
            for (int t = 0; t < problem.TermCount; t++)
            {
                for (int p = 0; p < W; p++)
                {
                    Assert.Equal(BitConverter.DoubleToInt64Bits(walked.Value(t, p)), BitConverter.DoubleToInt64Bits(reusing.Value(t, p)));
                }
            }
        }
    }
}
