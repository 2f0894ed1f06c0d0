using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Permutations;

public class CpuBackendTests
{
    private static void AssertBitIdentical(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static double[] Fit(SpilloverProblem problem, PermutationBatch batch, int threads = 0)
    {
        using var backend = new CpuBackend(problem, new BackendOptions { Threads = threads });
        var result = new double[batch.Count * SpilloverProblem.Regressors];
        backend.Fit(batch, result);
        return result;
    }

    [Theory]
    [InlineData(200, 150, 3, false, 1)]
    [InlineData(200, 150, 3, false, 7)]
    [InlineData(200, 150, 3, false, 64)]
    [InlineData(501, 500, 5, true, 33)]
    [InlineData(1000, 997, 2, false, 64)]
    public void MatchesThePlainReferenceBitForBit(int nodes, int units, int degree, bool realOutcome, int count)
    {
        SpilloverProblem problem = TestProblems.Random(nodes, units, degree, seed: (ulong)(nodes + count), realOutcome);
        var batch = new PermutationBatch(Seed: 2012, First: 17, Count: count);

        AssertBitIdentical(ReferenceSpillover.Fit(problem, batch), Fit(problem, batch));
    }

    [Fact]
    public void ObservedFitUsesTheIdentity()
    {
        SpilloverProblem problem = TestProblems.Random(300, 250, 4, seed: 5);
        var batch = PermutationBatch.ObservedAssignment(99);
        AssertBitIdentical(ReferenceSpillover.Fit(problem, batch), Fit(problem, batch));
    }

    [Fact]
    public void ThreadCountDoesNotChangeABit()
    {
        SpilloverProblem problem = TestProblems.Random(3000, 2900, 5, seed: 11, realOutcome: true, chunkSize: 64);
        var batch = new PermutationBatch(1, 0, 64);
        double[] one = Fit(problem, batch, threads: 1);
        AssertBitIdentical(one, Fit(problem, batch, threads: 2));
        AssertBitIdentical(one, Fit(problem, batch, threads: 3));
    }

    [Fact]
    public void BatchBoundariesDoNotChangeABit()
    {
        SpilloverProblem problem = TestProblems.Random(800, 700, 4, seed: 3, realOutcome: true);
        double[] whole = Fit(problem, new PermutationBatch(9, 0, 64));
        var pieces = new List<double>();
        foreach ((int first, int count) in new[] { (0, 1), (1, 7), (8, 50), (58, 6) })
        {
            pieces.AddRange(Fit(problem, new PermutationBatch(9, first, count)));
        }
        AssertBitIdentical(whole, pieces.ToArray());
    }

    [Fact]
    public void AStratumWithoutVariationGivesNaNNotGarbage()
    {
        // Every unit has no friends: the exposures are zero everywhere, so the fit is singular.
        var problem = new SpilloverProblem(4, [0, 0, 0, 0, 0], [], [TreatmentCell.Both, TreatmentCell.Neither, TreatmentCell.Banner, TreatmentCell.Feed],
            [1, 0, 1, 0], [0, 4], ["all"]);
        double[] result = Fit(problem, PermutationBatch.ObservedAssignment(1));
        Assert.All(result, value => Assert.True(double.IsNaN(value)));
    }
}
