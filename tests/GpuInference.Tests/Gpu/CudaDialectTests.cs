using System.Diagnostics;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// The CUDA side of the kernels, checked where no NVRTC is at hand: <c>kernels/check-cuda-dialect.sh</c> parses
/// spillover.cl as C++ with platform.h's CUDA branch and stand-ins for the NVRTC built-ins. It cannot replace an
/// NVRTC compile (the CUDA agreement tests do that on a GPU machine), but it catches what OpenCL would let through:
/// a dialect-specific name outside platform.h, or size_t, which NVRTC does not define.
/// </summary>
public class CudaDialectTests
{
    [CxxFact]
    public void TheKernelsParseAsCudaCpp()
    {
        string script = Path.Combine(RepositoryFolders.Kernels(), "check-cuda-dialect.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("parses as C++", output);
    }
}

/// <summary>A fact skipped where there is no g++ to run the dialect check, except under CI, which installs one.</summary>
public sealed class CxxFactAttribute : FactAttribute
{
    public CxxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "the dialect check is a bash script for Linux";
        else if (!BackendGate.IsCi && !File.Exists("/usr/bin/g++")) Skip = "no g++ here (CI installs it)";
    }
}
