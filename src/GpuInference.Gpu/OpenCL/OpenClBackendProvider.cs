using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;

namespace GpuInference.Gpu.OpenCL;

/// <summary>
/// Finds OpenCL devices through the ICD loader and creates <c>opencl</c> backends on them. GPUs come first; with
/// <see cref="BackendOptions.GpuOnly"/> off, a CPU device (PoCL) is taken when there is no GPU, which is how the
/// agreement tests run without a graphics card. Devices without double precision are never taken.
/// </summary>
public sealed class OpenClBackendProvider : IBackendProvider
{
    /// <summary>Environment variable: a substring of the device name to prefer (e.g. "NVIDIA", "pthread").</summary>
    public const string DeviceVariable = "GPUINFERENCE_OPENCL_DEVICE";

    public string Name => "opencl";

    public BackendAvailability Probe(BackendOptions options)
    {
        if (!TryEnumerate(out IReadOnlyList<OpenClDevice> all, out string reason)) return BackendAvailability.Unavailable(reason);
        IReadOnlyList<OpenClDevice> usable = Usable(all, options);
        if (usable.Count == 0)
        {
            string why = all.Count == 0 ? "no OpenCL platform or device found"
                : options.GpuOnly ? $"no OpenCL GPU with double precision (found {string.Join(", ", all.Select(d => d.Describe()))})"
                : "no OpenCL device with double precision";
            return new BackendAvailability(false, why, all.Select(d => d.ToDeviceInfo()).ToArray());
        }
        return new BackendAvailability(true, $"OpenCL: {usable[0].Describe()}", usable.Select(d => d.ToDeviceInfo()).ToArray());
    }

    public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        if (!TryEnumerate(out IReadOnlyList<OpenClDevice> all, out string reason)) throw new BackendUnavailableException(reason);
        IReadOnlyList<OpenClDevice> usable = Usable(all, options);
        if (usable.Count == 0) throw new BackendUnavailableException(Probe(options).Reason);

        return DeviceSelection.FirstThatStarts(usable, device => OpenClBackend.Create(device, problem, options), "OpenCL");
    }

    /// <summary>Devices this provider would use, best first: GPUs before others, then by memory; the name filter first of all.</summary>
    private static IReadOnlyList<OpenClDevice> Usable(IReadOnlyList<OpenClDevice> all, BackendOptions options)
    {
        string? preferred = Environment.GetEnvironmentVariable(DeviceVariable);
        return all
            .Where(d => d.HasDoubles && (d.IsGpu || !options.GpuOnly))
            .OrderByDescending(d => !string.IsNullOrEmpty(preferred) && d.Name.Contains(preferred, StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(d => d.IsGpu)
            .ThenByDescending(d => d.GlobalMemory)
            .ToArray();
    }

    private static bool TryEnumerate(out IReadOnlyList<OpenClDevice> devices, out string reason) =>
        DeviceSelection.TryEnumerate<OpenClDevice, OpenClException>(NativeLibraries.OpenCl, OpenClDevice.Enumerate, "OpenCL enumeration failed", out devices, out reason);
}
