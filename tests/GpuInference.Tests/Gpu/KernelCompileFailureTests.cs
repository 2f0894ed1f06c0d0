using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Gpu.OpenCL;
using GpuInference.Inference;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// A kernel that does not compile makes its backend unavailable, with the compiler's log in the message, and an
/// automatic run carries on with the next backend. The broken kernels are a copy of kernels/ with a syntax error,
/// handed to the provider through BackendOptions.KernelFolder (no process-wide state, so other tests are unaffected).
/// </summary>
[GpuBackend("opencl")]
public sealed class KernelCompileFailureTests : IDisposable
{
    private readonly string _broken = BrokenKernels();

    public void Dispose() => Directory.Delete(_broken, recursive: true);

    private static string BrokenKernels()
    {
        string source = RepositoryFolders.Kernels();
        string target = Path.Combine(Path.GetTempPath(), "gpuinference-tests", "broken-kernels-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(target, "spillover.cl"), "\nthis line is not C at all;\n");
        return target;
    }

    private static SpilloverProblem Problem() => TestProblems.Random(nodes: 300, units: 250, meanDegree: 3, seed: 12);

    [BackendFact]
    public void ACompileErrorMakesTheBackendUnavailableWithTheLog()
    {
        var error = Assert.Throws<BackendUnavailableException>(() =>
            BackendSession.Open("opencl", [new OpenClBackendProvider()], Problem(), BackendGate.Options with { KernelFolder = _broken }));
        Assert.Contains("kernel build failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("spillover.cl", error.Message, StringComparison.Ordinal);
    }

    [BackendFact]
    public void AnAutomaticRunCarriesOnWithTheNextBackend()
    {
        SpilloverProblem problem = Problem();
        var options = BackendGate.Options with { KernelFolder = _broken };
        using BackendSession session = BackendSession.Open("auto", [new AnyDevice(new OpenClBackendProvider()), new CpuBackendProvider()], problem, options);
        Assert.Equal("cpu", session.Current.Name);
        Assert.Contains(session.Notes, n => n.StartsWith("skipped opencl:", StringComparison.Ordinal) && n.Contains("kernel build failed", StringComparison.Ordinal));

        PermutationResult result = new PermutationRunner(session).Run(seed: 5, permutations: 70);
        using BackendSession reference = BackendSession.Open("cpu", [new CpuBackendProvider()], problem, BackendGate.Options);
        Assert.Equal(new PermutationRunner(reference).Run(seed: 5, permutations: 70).Null, result.Null);
    }

    /// <summary>Lets an automatic session take PoCL's CPU device, which it would otherwise pass over for not being a GPU.</summary>
    private sealed class AnyDevice(IBackendProvider inner) : IBackendProvider
    {
        public string Name => inner.Name;

        public BackendAvailability Probe(BackendOptions options) => inner.Probe(options with { GpuOnly = false });

        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => inner.Create(problem, options with { GpuOnly = false });
    }
}
