using System.Diagnostics;
using System.Globalization;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Backends.Devices;
using GpuInference.Random;
using GpuInference.Tests.Support;
using Xunit.Abstractions;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// One suite for every device backend: each concrete subclass names its backend with <see cref="GpuBackendAttribute"/>
/// and inherits every test. The oracle is <see cref="ReferenceSpillover"/>; coefficients must agree bit for bit
/// (singular fits are NaN on both sides). Sizes are chosen to leave remainders everywhere: 1, 2 and 31 nodes,
/// batches of 1, 7 and 64 starting away from 0, empty rows, nodes without outcome, one large sparse graph.
/// </summary>
public abstract class BackendAgreementTests(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;

    private string BackendName => GetType().GetCustomAttributes(typeof(GpuBackendAttribute), false).OfType<GpuBackendAttribute>().Single().Name;

    private IPermutationBackend Create(SpilloverProblem problem, AssignmentMethod method = AssignmentMethod.Auto, BackendOptions? options = null)
    {
        IBackendProvider provider = TestBackends.WithAssignment(BackendGate.Provider(BackendName), method);
        IPermutationBackend backend = provider.Create(problem, options ?? BackendGate.Options);
        Output.WriteLine($"{backend.Name} on {backend.Device}");
        return backend;
    }

    private IDeviceKernelProbe Probe(IPermutationBackend backend) =>
        backend as IDeviceKernelProbe ?? throw new InvalidOperationException($"{backend.Name} exposes no kernel probes");

    [BackendFact]
    public void PhiloxMatchesRandom123KnownAnswers()
    {
        using IPermutationBackend backend = Create(TestProblems.Random(nodes: 8, units: 8, meanDegree: 1, seed: 1));
        int checkedLines = 0;
        foreach (string line in File.ReadLines(SharedData.KatVectors))
        {
            string[] fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 12 || fields[0] != "philox4x32") continue;
            uint rounds = uint.Parse(fields[1], CultureInfo.InvariantCulture);
            uint[] input = fields[2..8].Select(f => uint.Parse(f, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            uint[] expected = fields[8..12].Select(f => uint.Parse(f, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected, Probe(backend).Philox(input, rounds));
            checkedLines++;
        }
        Assert.True(checkedLines >= 3, $"only {checkedLines} philox4x32 vectors found in {SharedData.KatVectors}");
        Output.WriteLine($"{checkedLines} philox4x32 known answers agree");
    }

    [BackendFact]
    public void RoundKeysMatchHost()
    {
        using IPermutationBackend backend = Create(TestProblems.Random(nodes: 8, units: 8, meanDegree: 1, seed: 2));
        var expected = new uint[PermutationBijection.Rounds];
        foreach (var (seed, index) in new (ulong, ulong)[] { (0, 0), (42, 1), (0xFFFFFFFFFFFFFFFF, 0x1_0000_0003), (0x243F6A8885A308D3, 999) })
        {
            PermutationBijection.WriteRoundKeys(seed, index, expected);
            Assert.Equal(expected, Probe(backend).RoundKeys(seed, index));
        }
    }

    [BackendFact]
    public void BijectionMatchesHost()
    {
        using IPermutationBackend backend = Create(TestProblems.Random(nodes: 8, units: 8, meanDegree: 1, seed: 3));
        foreach (uint size in new uint[] { 1, 2, 31, 255, 256, 257, 1000, 65537 })
        {
            foreach (ulong index in new ulong[] { 0, 7, 1UL << 40 })
            {
                var bijection = new PermutationBijection(20170401, index, size);
                uint[] images = Probe(backend).Map(20170401, index, size);
                for (uint i = 0; i < size; i++)
                {
                    if (images[i] != bijection.Map(i)) Assert.Fail($"size {size}, permutation {index}: image of {i} is {images[i]}, host says {bijection.Map(i)}");
                }
                Assert.Equal((int)size, images.Distinct().Count());
            }
        }
    }

    [BackendFact]
    public void InverseBijectionMatchesHost()
    {
        using IPermutationBackend backend = Create(TestProblems.Random(nodes: 8, units: 8, meanDegree: 1, seed: 4));
        foreach (uint size in new uint[] { 1, 31, 256, 257, 65537 })
        {
            var bijection = new PermutationBijection(20170401, 1UL << 40, size);
            uint[] preimages = Probe(backend).Unmap(20170401, 1UL << 40, size);
            for (uint i = 0; i < size; i++)
            {
                if (preimages[i] != bijection.Unmap(i)) Assert.Fail($"size {size}: preimage of {i} is {preimages[i]}, host says {bijection.Unmap(i)}");
            }
        }
    }

    /// <summary>The paper's skewed design, where batches correct the majority assignment by default.</summary>
    [BackendFact]
    public void SkewedDesignCorrected() =>
        Agree(TestProblems.Random(nodes: 5003, units: 4001, meanDegree: 5, seed: 24, balanced: false, chunkSize: 61, emptyRows: 0.1, strata: 37), Batches(24));

    /// <summary>The same design gathered, and a balanced one corrected (three quarters of all bits flipped by atomics).</summary>
    [BackendFact]
    public void EitherAssignmentMethodOnEitherDesign()
    {
        Agree(TestProblems.Random(nodes: 5003, units: 4001, meanDegree: 5, seed: 25, balanced: false, chunkSize: 61, strata: 7), Batches(25),
            AssignmentMethod.Gather);
        Agree(TestProblems.Random(nodes: 5003, units: 4001, meanDegree: 5, seed: 26, chunkSize: 61, strata: 7), Batches(26),
            AssignmentMethod.Correct);
        Agree(TestProblems.Random(nodes: 31, units: 25, meanDegree: 3, seed: 27, balanced: false, chunkSize: 4, strata: 3), Batches(27),
            AssignmentMethod.Correct);
    }

    [BackendFact]
    public void OneNode() => Agree(TestProblems.Random(nodes: 1, units: 1, meanDegree: 0, seed: 11), Batches(11));

    [BackendFact]
    public void TwoNodes() => Agree(TestProblems.Random(nodes: 2, units: 2, meanDegree: 1, seed: 12, emptyRows: 0), Batches(12));

    [BackendFact]
    public void TwoNodesOneUnit() => Agree(TestProblems.Random(nodes: 2, units: 1, meanDegree: 1, seed: 13, realOutcome: true), Batches(13));

    [BackendFact]
    public void ThirtyOneNodesWithEmptyRowsAndNodesWithoutOutcome() =>
        Agree(TestProblems.Random(nodes: 31, units: 25, meanDegree: 3, seed: 14, chunkSize: 4, emptyRows: 0.3, strata: 3), Batches(14));

    [BackendFact]
    public void ThirtyOneNodesRealOutcome() =>
        Agree(TestProblems.Random(nodes: 31, units: 31, meanDegree: 4, seed: 15, realOutcome: true, chunkSize: 5, emptyRows: 0.2, strata: 2), Batches(15));

    [BackendFact]
    public void ManyStrataAndChunks() =>
        Agree(TestProblems.Random(nodes: 5003, units: 4001, meanDegree: 5, seed: 16, chunkSize: 61, emptyRows: 0.1, strata: 37), Batches(16));

    [BackendFact]
    public void ManyStrataAndChunksRealOutcome() =>
        Agree(TestProblems.Random(nodes: 5003, units: 4001, meanDegree: 5, seed: 17, realOutcome: true, chunkSize: 61, emptyRows: 0.1, strata: 37), Batches(17));

    [BackendFact]
    public void PermutationIndicesBeyond32Bits() =>
        Agree(TestProblems.Random(nodes: 3001, units: 3001, meanDegree: 4, seed: 18, realOutcome: true, chunkSize: 100, emptyRows: 0.1, strata: 5), [new PermutationBatch(18, (1L << 33) + 5, 64)]);

    [BackendFact]
    public void LargeSparseGraph()
    {
        // 1,000,003 nodes (a prime), about 1.5 friends each, real outcome, default chunks: three permutations.
        var watch = Stopwatch.StartNew();
        SpilloverProblem problem = TestProblems.Random(nodes: 1_000_003, units: 900_001, meanDegree: 1.5, seed: 19, realOutcome: true, chunkSize: SpilloverProblem.DefaultChunkSize, emptyRows: 0.1, strata: 11);
        Output.WriteLine($"built in {watch.ElapsedMilliseconds} ms: {problem.NodeCount} nodes, {problem.EdgeCount} edges, {problem.ChunkCount} chunks");
        Agree(problem, [new PermutationBatch(19, 17, 3), PermutationBatch.ObservedAssignment(19)]);
    }

    [BackendFact]
    public void LargeSkewedGraphCorrected()
    {
        // A million nodes in the paper's shares, just past 2^20 (long cycle walks): a batch of 5.
        SpilloverProblem problem = TestProblems.Random(nodes: 1_048_583, units: 1_000_000, meanDegree: 2, seed: 28, balanced: false, chunkSize: SpilloverProblem.DefaultChunkSize, strata: 9);
        Agree(problem, [new PermutationBatch(28, 64, 5)]);
    }

    [BackendFact]
    public void RepeatedBatchesGiveTheSameBits()
    {
        SpilloverProblem problem = TestProblems.Random(nodes: 500, units: 400, meanDegree: 3, seed: 20, realOutcome: true, chunkSize: 33, strata: 4);
        using IPermutationBackend backend = Create(problem);
        var batch = new PermutationBatch(20, 3, 64);
        var first = new double[64 * 4];
        var second = new double[64 * 4];
        backend.Fit(batch, first);
        backend.Fit(new PermutationBatch(21, 0, 7), new double[7 * 4]);
        backend.Fit(batch, second);
        Assert.Equal(Bits(first), Bits(second));
    }

    [BackendFact]
    public void BatchSizeOptionCapsTheBatch()
    {
        SpilloverProblem problem = TestProblems.Random(nodes: 50, units: 50, meanDegree: 2, seed: 23, strata: 2);
        using (IPermutationBackend backend = Create(problem))
        {
            Assert.Equal(64, backend.MaxBatchSize);
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.Fit(new PermutationBatch(1, 0, 65), new double[65 * 4]));
        }
        using (IPermutationBackend backend = Create(problem, options: BackendGate.Options with { BatchSize = 16 }))
        {
            Assert.Equal(16, backend.MaxBatchSize);
        }
    }

    /// <summary>Batches of 1, 7 and 64 permutations starting away from 0, and the observed assignment.</summary>
    private static PermutationBatch[] Batches(ulong seed) =>
    [
        new(seed, 0, 1),
        new(seed, 5, 7),
        new(seed, 1000, 64),
        PermutationBatch.ObservedAssignment(seed),
    ];

    private void Agree(SpilloverProblem problem, IEnumerable<PermutationBatch> batches, AssignmentMethod method = AssignmentMethod.Auto)
    {
        using IPermutationBackend backend = Create(problem, method);
        foreach (PermutationBatch batch in batches)
        {
            var watch = Stopwatch.StartNew();
            var actual = new double[batch.Count * SpilloverProblem.Regressors];
            backend.Fit(batch, actual);
            long device = watch.ElapsedMilliseconds;
            watch.Restart();
            double[] expected = ReferenceSpillover.Fit(problem, batch);
            int finite = expected.Count(double.IsFinite);
            Output.WriteLine($"batch seed={batch.Seed} first={batch.First} count={batch.Count} observed={batch.Observed}: " +
                $"device {device} ms, reference {watch.ElapsedMilliseconds} ms, {finite} of {expected.Length} coefficients finite");
            AssertAgree(expected, actual, batch);
            // Large problems must actually fit: an all-NaN agreement would prove little.
            if (problem.UnitCount >= 100) Assert.Equal(expected.Length, finite);
        }
    }

    private static void AssertAgree(double[] expected, double[] actual, PermutationBatch batch)
    {
        for (int t = 0; t < expected.Length; t++)
        {
            // A singular fit is NaN with the bits of .NET's double.NaN on every backend.
            if (double.IsNaN(expected[t]))
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[t]) == BitConverter.DoubleToInt64Bits(actual[t]),
                    $"permutation {batch.First + t / 4}, coefficient {t % 4}: expected NaN, got {actual[t]:R} (bits {BitConverter.DoubleToInt64Bits(actual[t]):X16})");
                continue;
            }
            double scale = Math.Max(Math.Abs(expected[t]), 1e-300);
            Assert.True(Math.Abs(expected[t] - actual[t]) <= 1e-12 * scale,
                $"permutation {batch.First + t / 4}, coefficient {t % 4}: expected {expected[t]:R}, got {actual[t]:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(expected[t]) == BitConverter.DoubleToInt64Bits(actual[t]),
                $"permutation {batch.First + t / 4}, coefficient {t % 4}: expected {expected[t]:R}, got {actual[t]:R} (not bit-identical)");
        }
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}

[GpuBackend("ilgpu-cpu")]
public sealed class IlgpuCpuAgreementTests(ITestOutputHelper output) : BackendAgreementTests(output);

[GpuBackend("opencl")]
public sealed class OpenClAgreementTests(ITestOutputHelper output) : BackendAgreementTests(output);

[GpuBackend("cuda")]
public sealed class CudaAgreementTests(ITestOutputHelper output) : BackendAgreementTests(output);
