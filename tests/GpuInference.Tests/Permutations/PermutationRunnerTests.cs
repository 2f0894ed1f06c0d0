using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Permutations;

public class PermutationRunnerTests
{
    private static PermutationResult Run(SpilloverProblem problem, BackendOptions options, int permutations, int batchSize = 0, params IBackendProvider[] providers)
    {
        using var session = BackendSession.Open("auto", providers.Length > 0 ? providers : [new CpuBackendProvider()], problem, options);
        return new PermutationRunner(session).Run(seed: 42, permutations, batchSize);
    }

    [Fact]
    public void TheNullDoesNotDependOnBatchSizeOrThreads()
    {
        SpilloverProblem problem = TestProblems.Random(600, 500, 4, seed: 21, realOutcome: true);
        PermutationResult reference = Run(problem, new BackendOptions { Threads = 1 }, 150);
        foreach ((int threads, int batch) in new[] { (2, 0), (2, 1), (1, 13), (3, 64) })
        {
            PermutationResult other = Run(problem, new BackendOptions { Threads = threads }, 150, batch);
            Assert.Equal(reference.Null, other.Null);
            Assert.Equal(reference.Observed, other.Observed);
        }
    }

    [Fact]
    public void AFaultMidRunLosesAndRepeatsNothing()
    {
        SpilloverProblem problem = TestProblems.Random(400, 300, 3, seed: 8);
        PermutationResult clean = Run(problem, new BackendOptions(), 200);

        using var session = BackendSession.Open("cpu", [TestBackends.FailingOnCall(new CpuBackendProvider(), 3)], problem, new BackendOptions());
        var runner = new PermutationRunner(session);
        PermutationResult faulted = runner.Run(42, 200);

        Assert.Equal(clean.Null, faulted.Null);
        Assert.Contains(runner.Warnings, w => w.Contains("injected fault", StringComparison.Ordinal));
    }

    [Fact]
    public void AFailingBackendHandsOverToTheNext()
    {
        SpilloverProblem problem = TestProblems.Random(400, 300, 3, seed: 8);
        PermutationResult clean = Run(problem, new BackendOptions(), 100);

        var broken = new AlwaysFailingProvider();
        using var session = BackendSession.Open("auto", [broken, new CpuBackendProvider()], problem, new BackendOptions());
        var runner = new PermutationRunner(session);
        PermutationResult result = runner.Run(42, 100);

        Assert.Equal("cpu", result.Backend);
        Assert.Equal(clean.Null, result.Null);
        Assert.Equal(clean.Observed, result.Observed);
        Assert.Contains(result.Notes, n => n.StartsWith("broken failed", StringComparison.Ordinal));
    }

    [Fact]
    public void AutoSaysWhyItSkippedABackend()
    {
        SpilloverProblem problem = TestProblems.Random(50, 40, 2, seed: 1);
        using var session = BackendSession.Open("auto", [new MissingDriverProvider(), new CpuBackendProvider()], problem, new BackendOptions());
        Assert.Equal("cpu", session.Current.Name);
        Assert.Contains("skipped missing: no driver here", session.Notes);
    }

    [Fact]
    public void ABackendAskedForByNameMustExist()
    {
        SpilloverProblem problem = TestProblems.Random(50, 40, 2, seed: 1);
        var error = Assert.Throws<BackendUnavailableException>(() =>
            BackendSession.Open("missing", [new MissingDriverProvider(), new CpuBackendProvider()], problem, new BackendOptions()));
        Assert.Equal("backend 'missing' is unavailable: missing: no driver here", error.Message);
    }

    [Fact]
    public void ABackendIsCheckedByNameBeforeAnyDataIsLoaded()
    {
        IBackendProvider[] providers = [new MissingDriverProvider(), new CpuBackendProvider()];
        BackendSession.Check("auto", providers, new BackendOptions());
        BackendSession.Check("cpu", providers, new BackendOptions());
        Assert.Equal("backend 'missing' is unavailable: missing: no driver here",
            Assert.Throws<BackendUnavailableException>(() => BackendSession.Check("missing", providers, new BackendOptions())).Message);
        // A name nobody provides is the user's mistake (a usage error), not a missing driver.
        Assert.Equal("--backend: unknown backend 'quantum' (choose auto, missing, cpu).",
            Assert.Throws<ArgumentException>(() => BackendSession.Check("quantum", providers, new BackendOptions())).Message);
    }

    private sealed class MissingDriverProvider : IBackendProvider
    {
        public string Name => "missing";
        public BackendAvailability Probe(BackendOptions options) => BackendAvailability.Unavailable("no driver here");
        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => throw new InvalidOperationException();
    }

    private sealed class AlwaysFailingProvider : IBackendProvider
    {
        public string Name => "broken";
        public BackendAvailability Probe(BackendOptions options) => new(true, "", []);
        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => new Failing();

        private sealed class Failing : IPermutationBackend
        {
            public string Name => "broken";
            public string Device => "nothing";
            public int MaxBatchSize => 64;
            public void Fit(PermutationBatch batch, Span<double> coefficients) => throw new BackendFaultException("device lost");
            public void Dispose() { }
        }
    }
}
