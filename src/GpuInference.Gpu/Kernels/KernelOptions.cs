using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Random;

namespace GpuInference.Gpu.Kernels;

/// <summary>
/// The one place where kernel compile options are assembled, for both compilers: the same -D defines, and the
/// switches that keep floating point exactly as in the C# reference (no contraction into fused multiply-add,
/// correctly rounded division and square root, no fast-math).
/// </summary>
internal static class KernelOptions
{
    /// <summary>Permutations per batch: one bit of a 64-bit word each, one work-item each in a chunk's work-group.</summary>
    public const int MaxBatch = 64;

    /// <summary>Work-items per group in the per-node kernel.</summary>
    public const int NodeGroupSize = 256;

    /// <summary>The defines every kernel sees, name → value.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Defines { get; } =
    [
        new("MAX_BATCH", MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("BIJECTION_ROUNDS", PermutationBijection.Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("INT_SLOTS", SpilloverMoments.IntegerSlots.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("REAL_SLOTS", SpilloverMoments.RealSlots.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("REGRESSORS", SpilloverProblem.Regressors.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>
    /// Options for clBuildProgram. FP_CONTRACT is switched off in platform.h; -cl-mad-enable, -cl-unsafe-math-optimizations
    /// and -cl-fast-relaxed-math are deliberately absent.
    /// </summary>
    public static string OpenCl()
    {
        var parts = new List<string> { "-cl-std=CL1.2" };
        foreach (var (name, value) in Defines) parts.Add($"-D {name}={value}");
        return string.Join(' ', parts);
    }

    /// <summary>Options for nvrtcCompileProgram targeting compute capability <paramref name="major"/>.<paramref name="minor"/>.</summary>
    public static IReadOnlyList<string> Nvrtc(int major, int minor)
    {
        var parts = new List<string>
        {
            $"--gpu-architecture=compute_{major}{minor}",
            "--fmad=false",
            "--prec-div=true",
            "--prec-sqrt=true",
            "--ftz=false",
            "-default-device",
            "--std=c++14",
        };
        foreach (var (name, value) in Defines) parts.Add($"-D{name}={value}");
        return parts;
    }
}
