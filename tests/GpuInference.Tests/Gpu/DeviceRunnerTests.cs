using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Tests.Support;
using Xunit.Abstractions;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// End to end through <see cref="PermutationRunner"/>: a device backend gives the CPU backend's null distribution
/// bit for bit, whatever the batch size, and still does after a fault (a retry with a smaller batch) or a fallback
/// to the CPU. One suite, a thin subclass per backend, as for the agreement suite.
/// </summary>
public abstract class DeviceRunnerTests(ITestOutputHelper output)
{
    private string BackendName => GetType().GetCustomAttributes(typeof(GpuBackendAttribute), false).OfType<GpuBackendAttribute>().Single().Name;

    private IBackendProvider Provider => BackendGate.Provider(BackendName);

    private const int Permutations = 150;
    private const ulong Seed = 20240607;

    [BackendFact]
    public void BinaryOutcomeNullMatchesCpu() => SameNullAtEveryBatchSize(Problem(realOutcome: false));

    [BackendFact]
    public void RealOutcomeNullMatchesCpu() => SameNullAtEveryBatchSize(Problem(realOutcome: true));

    [BackendFact]
    public void InjectedFaultIsRetriedWithSmallerBatchesAndKeepsTheNull()
    {
        SpilloverProblem problem = Problem(realOutcome: true);
        PermutationResult expected = CpuNull(problem, batchSize: 64);
        // Call 1 is the observed fit; call 2 is the first batch of 64, which faults and is retried as two of 32.
        using BackendSession session = BackendSession.Open(BackendName, [TestBackends.FailingOnCall(Provider, 2)], problem, BackendGate.Options);
        PermutationResult actual = Run(session, batchSize: 64, out List<string> warnings);
        Assert.Equal(BackendName, actual.Backend);
        Assert.Contains(warnings, w => w.Contains("retrying with batches of 32", StringComparison.Ordinal));
        AssertSameNull(expected, actual);
    }

    [BackendFact]
    public void AutoSessionFallsOverFromAFaultingDeviceToTheCpu()
    {
        SpilloverProblem problem = Problem(realOutcome: false);
        PermutationResult expected = CpuNull(problem, batchSize: 64);
        using BackendSession session = BackendSession.Open("auto", [new FaultingProvider(Provider), new CpuBackendProvider()], problem, BackendGate.Options);
        Assert.Equal(BackendName, session.Current.Name);
        PermutationResult actual = Run(session, batchSize: 64, out _);
        Assert.Equal("cpu", actual.Backend);
        Assert.Contains(actual.Notes, n => n.StartsWith($"{BackendName} failed (", StringComparison.Ordinal) && n.EndsWith("continued on cpu", StringComparison.Ordinal));
        AssertSameNull(expected, actual);
    }

    private void SameNullAtEveryBatchSize(SpilloverProblem problem)
    {
        foreach (int batchSize in new[] { 64, 13 })
        {
            PermutationResult expected = CpuNull(problem, batchSize);
            using BackendSession session = BackendSession.Open(BackendName, [Provider], problem, BackendGate.Options);
            PermutationResult actual = Run(session, batchSize, out _);
            Assert.Equal(BackendName, actual.Backend);
            AssertSameNull(expected, actual);
        }
    }

    private static SpilloverProblem Problem(bool realOutcome) =>
        TestProblems.Random(nodes: 2003, units: 1800, meanDegree: 4, seed: realOutcome ? 31UL : 30UL, realOutcome: realOutcome, chunkSize: 29, emptyRows: 0.1);

    private PermutationResult CpuNull(SpilloverProblem problem, int batchSize)
    {
        using BackendSession session = BackendSession.Open("cpu", [new CpuBackendProvider()], problem, BackendGate.Options);
        return Run(session, batchSize, out _);
    }

    private PermutationResult Run(BackendSession session, int batchSize, out List<string> warnings)
    {
        var runner = new PermutationRunner(session);
        PermutationResult result = runner.Run(Seed, Permutations, batchSize);
        output.WriteLine($"{result.Backend} on {result.Device}, batches of {batchSize}: {string.Join("; ", result.Notes)}");
        warnings = runner.Warnings;
        return result;
    }

    private static void AssertSameNull(PermutationResult expected, PermutationResult actual)
    {
        Assert.Equal(Permutations, actual.Permutations);
        Assert.Equal(Bits(expected.Observed), Bits(actual.Observed));
        Assert.Equal(Permutations * SpilloverProblem.Regressors, actual.Null.Length);
        Assert.Equal(Bits(expected.Null), Bits(actual.Null));
        // An all-NaN agreement would prove little.
        Assert.All(expected.Null, value => Assert.True(double.IsFinite(value)));
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>A device provider whose backend starts (on any device, CPU devices included) and then faults on every batch.</summary>
    private sealed class FaultingProvider(IBackendProvider inner) : IBackendProvider
    {
        public string Name => inner.Name;

        public BackendAvailability Probe(BackendOptions options) => inner.Probe(options with { GpuOnly = false });

        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) =>
            new FaultingBackend(inner.Create(problem, options with { GpuOnly = false }));
    }

    private sealed class FaultingBackend(IPermutationBackend inner) : IPermutationBackend
    {
        public string Name => inner.Name;

        public string Device => inner.Device;

        public int MaxBatchSize => inner.MaxBatchSize;

        public void Fit(PermutationBatch batch, Span<double> coefficients) =>
            throw new BackendFaultException($"{Name} on {Device}: device lost (test)");

        public void Dispose() => inner.Dispose();
    }
}

[GpuBackend("ilgpu-cpu")]
public sealed class IlgpuCpuRunnerTests(ITestOutputHelper output) : DeviceRunnerTests(output);

[GpuBackend("opencl")]
public sealed class OpenClRunnerTests(ITestOutputHelper output) : DeviceRunnerTests(output);

[GpuBackend("cuda")]
public sealed class CudaRunnerTests(ITestOutputHelper output) : DeviceRunnerTests(output);
