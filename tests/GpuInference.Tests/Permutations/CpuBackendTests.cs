using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Tests.Support;
using GpuInference.Data;

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

    private static double[] Fit(
        SpilloverProblem problem, PermutationBatch batch, int threads = 0, AssignmentMethod method = AssignmentMethod.Auto, bool vectorized = true)
    {
        using var backend = new CpuBackend(problem, new BackendOptions { Threads = threads }, method, vectorized);
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

    /// <summary>
    /// Both ways of building the assignment against the reference, which gathers with the forward bijection: the
    /// paper's skewed shares (where correction is the default), a balanced design (where gathering is, and correction
    /// has to flip three quarters of all bits), a node count just past a power of two (long cycle walks), batches that
    /// fill no whole byte of permutations, and tiny graphs.
    /// </summary>
    [Theory]
    [InlineData(3000, 2900, 5, false, 64, AssignmentMethod.Correct)]
    [InlineData(3000, 2900, 5, false, 64, AssignmentMethod.Gather)]
    [InlineData(3000, 2900, 5, true, 64, AssignmentMethod.Correct)]
    [InlineData(4097, 4000, 3, false, 13, AssignmentMethod.Correct)]
    [InlineData(4097, 4000, 3, false, 3, AssignmentMethod.Auto)]
    [InlineData(31, 25, 3, false, 64, AssignmentMethod.Correct)]
    [InlineData(2, 2, 1, false, 7, AssignmentMethod.Correct)]
    [InlineData(1, 1, 0, true, 5, AssignmentMethod.Correct)]
    public void EveryAssignmentMethodMatchesTheReference(int nodes, int units, int degree, bool balanced, int count, AssignmentMethod method)
    {
        SpilloverProblem problem = TestProblems.Random(nodes, units, degree, seed: (ulong)(nodes * 3 + count), balanced: balanced, chunkSize: 64);
        var batch = new PermutationBatch(Seed: 77, First: 1_000_003, Count: count);
        AssertBitIdentical(ReferenceSpillover.Fit(problem, batch), Fit(problem, batch, method: method));
    }

    /// <summary>
    /// The vectorized chunk sums and the generic ones against the reference: 0/1 and small integer outcomes
    /// (negative too), degrees up to the 255 the byte counters hold, a hub with 300 friends (its chunk takes the
    /// generic path, the others do not), an outcome too large for 16-bit sums, and flushes every few units.
    /// </summary>
    [Theory]
    [InlineData(0, 64, true)]
    [InlineData(0, 64, false)]
    [InlineData(1, 64, true)]
    [InlineData(2, 64, true)]
    [InlineData(3, 64, true)]
    [InlineData(3, 64, false)]
    [InlineData(4, 64, true)]
    [InlineData(1, 17, true)]
    public void VectorizedAndGenericChunkSumsMatchTheReference(int shape, int count, bool vectorized)
    {
        SpilloverProblem problem = shape switch
        {
            0 => TestProblems.Random(3000, 2900, 5, seed: 31, balanced: false, chunkSize: 100),
            1 => WithOutcome(TestProblems.Random(2000, 2000, 6, seed: 32, chunkSize: 100), unit => unit % 7 - 3),
            2 => WithOutcome(TestProblems.Random(1500, 1500, 120, seed: 33, chunkSize: 50), unit => unit % 3), // degree up to 241: flushes every unit
            3 => WithHub(TestProblems.Random(1000, 1000, 4, seed: 34, chunkSize: 64), degree: 300),
            _ => WithOutcome(TestProblems.Random(1000, 1000, 4, seed: 35, chunkSize: 64), unit => unit == 10 ? 40_000 : unit % 2),
        };
        var batch = new PermutationBatch(Seed: 5, First: 640, Count: count);
        AssertBitIdentical(ReferenceSpillover.Fit(problem, batch), Fit(problem, batch, vectorized: vectorized));
    }

    private static SpilloverProblem WithOutcome(SpilloverProblem p, Func<int, double> outcome) =>
        new(p.NodeCount, p.RowOffsets, p.Neighbors, p.Cells, Enumerable.Range(0, p.UnitCount).Select(outcome).ToArray(),
            p.StratumStart, p.StratumLabels, p.ChunkSize);

    /// <summary>Unit 0 befriends the first <paramref name="degree"/> other nodes.</summary>
    private static SpilloverProblem WithHub(SpilloverProblem p, int degree)
    {
        int[] hub = Enumerable.Range(1, degree).ToArray();
        long extra = degree - (p.RowOffsets[1] - p.RowOffsets[0]);
        int[] neighbors = [.. hub, .. p.Neighbors.AsSpan((int)p.RowOffsets[1]).ToArray()];
        long[] rows = p.RowOffsets.Select((offset, i) => i == 0 ? 0 : offset + extra).ToArray();
        return new(p.NodeCount, rows, neighbors, p.Cells, p.Outcome, p.StratumStart, p.StratumLabels, p.ChunkSize);
    }

    [Fact]
    public void AutoCorrectsASkewedDesignAndGathersABalancedOne()
    {
        SpilloverProblem skewed = TestProblems.Random(3000, 2900, 5, seed: 8, balanced: false);
        SpilloverProblem balanced = TestProblems.Random(3000, 2900, 5, seed: 8);
        Assert.Equal(TreatmentCell.Both, skewed.Minority.Majority);
        Assert.InRange(skewed.Minority.Nodes.Length, 60, 240); // about 4% of 3,000
        Assert.True(AssignmentMethod.Auto.Corrects(skewed));
        Assert.False(AssignmentMethod.Auto.Corrects(balanced));
        Assert.True(AssignmentMethod.Correct.Corrects(balanced));
        Assert.False(AssignmentMethod.Gather.Corrects(skewed));
    }

    [Fact]
    public void CellMinorityListsEveryNodeOutsideTheMajorityWithItsFlips()
    {
        TreatmentCell[] cells = [TreatmentCell.Feed, TreatmentCell.Both, TreatmentCell.Neither, TreatmentCell.Both, TreatmentCell.Banner, TreatmentCell.Both];
        CellMinority minority = CellMinority.Of(cells);
        Assert.Equal(TreatmentCell.Both, minority.Majority);
        Assert.Equal([0u, 2u, 4u], minority.Nodes);
        Assert.Equal([(byte)1, (byte)3, (byte)2], minority.Flips); // feed differs in banner; neither in both; banner in feed
        Assert.Equal(TreatmentCell.Neither, CellMinority.Of([TreatmentCell.Feed, TreatmentCell.Neither]).Majority); // a tie goes to the lowest cell
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
