using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Gpu.Common;
using GpuInference.Gpu.Cuda;
using GpuInference.Gpu.Kernels;

using GpuInference.Tests.Support;

namespace GpuInference.Tests.Gpu;

/// <summary>The parts of the CUDA backend that can be checked without a CUDA driver.</summary>
public sealed class CudaHostTests
{
    [Fact]
    public void ProbeWithoutDriverIsUnavailableWithAReason()
    {
        BackendAvailability availability = new CudaBackendProvider().Probe(new BackendOptions());
        if (availability.IsAvailable) return; // a CUDA machine: the agreement suite covers it
        Assert.False(string.IsNullOrWhiteSpace(availability.Reason));
        if (!NativeLibraries.TryLoad(NativeLibraries.Cuda, out _))
        {
            Assert.StartsWith("no CUDA driver (", availability.Reason);
            Assert.Contains(OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1", availability.Reason);
        }
    }

    [Fact]
    public void CreateWithoutDriverThrowsUnavailable()
    {
        var provider = new CudaBackendProvider();
        if (provider.Probe(new BackendOptions()).IsAvailable) return;
        var problem = TestProblems.Random(nodes: 10, units: 10, meanDegree: 1, seed: 1);
        Assert.Throws<BackendUnavailableException>(() => provider.Create(problem, new BackendOptions()));
    }

    [Fact]
    public void NvrtcOptionsKeepFloatingPointExact()
    {
        IReadOnlyList<string> options = KernelOptions.Nvrtc(9, 0);
        Assert.Contains("--gpu-architecture=compute_90", options);
        Assert.Contains("--fmad=false", options);
        Assert.Contains("--prec-div=true", options);
        Assert.Contains("--prec-sqrt=true", options);
        Assert.DoesNotContain(options, o => o.Contains("fast-math", StringComparison.Ordinal));
        Assert.Contains("-DMAX_BATCH=64", options);
    }

    [Fact]
    public void OpenClOptionsCarryTheSameDefinesAndNoFastMath()
    {
        string options = KernelOptions.OpenCl();
        foreach (var (name, value) in KernelOptions.Defines) Assert.Contains($"-D {name}={value}", options);
        Assert.DoesNotContain("mad-enable", options);
        Assert.DoesNotContain("fast-relaxed-math", options);
        Assert.DoesNotContain("unsafe-math", options);
    }

    [Fact]
    public void KernelSourceInlinesEveryIncludeOnce()
    {
        string source = KernelSource.Load(KernelSource.Spillover);
        Assert.DoesNotMatch(@"(?m)^\s*#\s*include", source);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, "#define GPUINFERENCE_PLATFORM_H"));
        foreach (string kernel in new[] { "philox_kat", "round_keys", "bijection_probe", "permute_cells", "chunk_sums", "solve" })
            Assert.Contains($"KERNEL void {kernel}(", source);
        Assert.Contains("#pragma OPENCL FP_CONTRACT OFF", source);
    }

    [Fact]
    public void PtxCacheRoundTripsThroughDiskAndIgnoresTornFiles()
    {
        string folder = Path.Combine(Path.GetTempPath(), "gpuinference-ptx-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new PtxCache(folder);
            string key = PtxCache.Key("source", ["--fmad=false"], "nvrtc 12.8", "compute_90");
            Assert.Equal(64, key.Length);
            Assert.NotEqual(key, PtxCache.Key("source", ["--fmad=true"], "nvrtc 12.8", "compute_90"));
            Assert.NotEqual(key, PtxCache.Key("source", ["--fmad=false"], "nvrtc 12.9", "compute_90"));
            Assert.NotEqual(key, PtxCache.Key("source", ["--fmad=false"], "nvrtc 12.8", "compute_80"));
            Assert.Null(cache.TryGet(key, out _));

            cache.Put(key, ".version 8.0\n// body\n");
            PtxCache.ClearMemory();
            Assert.Equal(".version 8.0\n// body\n", cache.TryGet(key, out string origin));
            Assert.Equal("disk", origin);
            Assert.Empty(Directory.GetFiles(folder, "*.tmp"));

            // A torn write (body cut short) no longer matches its checksum and is ignored.
            string path = cache.PathOf(key);
            File.WriteAllText(path, File.ReadAllText(path)[..^5]);
            PtxCache.ClearMemory();
            Assert.Null(cache.TryGet(key, out _));
        }
        finally
        {
            PtxCache.ClearMemory();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The device listing and the field self-check, which must work on any machine.</summary>
public sealed class DeviceCatalogTests
{
    [Fact]
    public void DescribeListsEveryProviderWithItsState()
    {
        string text = DeviceCatalog.Describe(DeviceCatalog.DeviceProviders());
        Assert.Contains("cuda: ", text);
        Assert.Contains("opencl: ", text);
        Assert.Contains("kernels: ", text);
    }

    [Fact]
    public void SelfCheckReferenceAgreesWithTheTestOracle()
    {
        // The self-check holds devices to the managed backend; that backend must itself be the oracle's bits.
        var problem = TestProblems.Random(nodes: 300, units: 250, meanDegree: 3, seed: 5, realOutcome: true, chunkSize: 17, strata: 3);
        var batch = new PermutationBatch(5, 9, 7);
        using var reference = new CpuBackend(problem, new BackendOptions());
        var actual = new double[batch.Count * SpilloverProblem.Regressors];
        reference.Fit(batch, actual);
        var (identical, max) = GpuSelfCheck.Compare(ReferenceSpillover.Fit(problem, batch), actual);
        Assert.True(identical, $"max relative difference {max}");
    }

    [Fact]
    public void SelfCheckExitCodesSayAgreeDisagreeOrNoDevice()
    {
        var problem = TestProblems.Random(nodes: 200, units: 180, meanDegree: 3, seed: 8, realOutcome: true, chunkSize: 13, strata: 3);

        var agreeing = new StringWriter();
        Assert.Equal(0, GpuSelfCheck.Run(problem, agreeing, [new StandInProvider("same", perturb: false)]));
        Assert.Contains("same on stand-in, assignment correct: batch first=0 count=64: OK", agreeing.ToString());
        Assert.Contains("same on stand-in, assignment gather: batch first=0 count=64: OK", agreeing.ToString());

        var disagreeing = new StringWriter();
        Assert.Equal(1, GpuSelfCheck.Run(problem, disagreeing, [new StandInProvider("same", perturb: false), new StandInProvider("off", perturb: true)]));
        Assert.Contains("off on stand-in, assignment correct: batch first=0 count=64: FAIL", disagreeing.ToString());

        var none = new StringWriter();
        Assert.Equal(2, GpuSelfCheck.Run(problem, none, []));
        Assert.Contains("no device backend could start", none.ToString());
    }

    /// <summary>A "device" that is the managed backend, optionally one ulp off in every coefficient.</summary>
    private sealed class StandInProvider(string name, bool perturb) : IBackendProvider
    {
        public string Name => name;

        public BackendAvailability Probe(BackendOptions options) => new(true, "stand-in", []);

        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => new StandIn(name, perturb, new CpuBackend(problem, options));

        private sealed class StandIn(string name, bool perturb, CpuBackend inner) : IPermutationBackend
        {
            public string Name => name;

            public string Device => "stand-in";

            public int MaxBatchSize => inner.MaxBatchSize;

            public void Fit(PermutationBatch batch, Span<double> coefficients)
            {
                inner.Fit(batch, coefficients);
                if (!perturb) return;
                for (int t = 0; t < batch.Count * SpilloverProblem.Regressors; t++) coefficients[t] = Math.BitIncrement(coefficients[t]);
            }

            public void Dispose() => inner.Dispose();
        }
    }

    [Fact]
    public void SelfCheckRunsOnWhateverDeviceIsHere()
    {
        var problem = TestProblems.Random(nodes: 2000, units: 1800, meanDegree: 3, seed: 6, realOutcome: true, chunkSize: 97, strata: 4);
        var output = new StringWriter();
        int code = GpuSelfCheck.Run(problem, output);
        string text = output.ToString();
        Assert.Contains("cuda: ", text);
        Assert.DoesNotContain("FAIL", text);
        Assert.True(code is 0 or 2, text);
    }
}

/// <summary>Device memory planning: the buffers of a paper-scale problem fit a 4 GiB device.</summary>
public sealed class DeviceMemoryPlanTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void PaperScaleFitsInFourGibibytes()
    {
        // 15M nodes (all of them units), 75M edges, chunks of 2048 in about 100 strata.
        // The minority list at its largest: correction stops paying beyond a quarter of the nodes.
        long bytes = DeviceProblem.EstimateBytes(nodes: 15_000_000, units: 15_000_000, edges: 75_000_000, chunks: 15_000_000 / 2048 + 100, strata: 100,
            minority: (long)(15_000_000 * CellMinority.CorrectionShareLimit));
        output.WriteLine($"paper scale needs {bytes / (1024.0 * 1024 * 1024):F2} GiB of device memory");
        Assert.True(bytes <= 4L << 30, $"{bytes} bytes");
    }

    [Fact]
    public void EstimateMatchesTheBuffersOfAProblem()
    {
        var problem = TestProblems.Random(nodes: 1000, units: 900, meanDegree: 3, seed: 7, chunkSize: 50, strata: 5);
        var layout = new DeviceProblem(problem);
        Assert.Equal(layout.TotalDeviceBytes,
            DeviceProblem.EstimateBytes(problem.NodeCount, problem.UnitCount, problem.EdgeCount, problem.ChunkCount, problem.StratumCount));

        var skewed = TestProblems.Random(nodes: 1000, units: 900, meanDegree: 3, seed: 7, balanced: false, chunkSize: 50, strata: 5);
        var corrected = new DeviceProblem(skewed, corrects: true);
        Assert.InRange(corrected.MinorityCount, 10u, 100u);
        Assert.Equal(corrected.TotalDeviceBytes,
            DeviceProblem.EstimateBytes(skewed.NodeCount, skewed.UnitCount, skewed.EdgeCount, skewed.ChunkCount, skewed.StratumCount, corrected.MinorityCount));
    }
}
