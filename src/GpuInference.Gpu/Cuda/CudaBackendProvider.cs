using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;

namespace GpuInference.Gpu.Cuda;

/// <summary>
/// Finds CUDA devices through the driver (libcuda.so.1 / nvcuda.dll) and creates <c>cuda</c> backends, compiling
/// the kernels with NVRTC at first use (PTX cached on disk). A missing driver, NVRTC or device is reported by
/// <see cref="Probe"/> as unavailable with the reason, never thrown.
/// </summary>
public sealed class CudaBackendProvider : IBackendProvider
{
    /// <summary>Environment variable: the CUDA device ordinal to use (default: the one with most memory).</summary>
    public const string DeviceVariable = "GPUINFERENCE_CUDA_DEVICE";

    public string Name => "cuda";

    public BackendAvailability Probe(BackendOptions options)
    {
        if (!TryEnumerate(out IReadOnlyList<CudaDevice> devices, out string reason)) return BackendAvailability.Unavailable(reason);
        DeviceInfo[] infos = devices.Select(d => d.ToDeviceInfo()).ToArray();
        if (devices.Count == 0) return BackendAvailability.Unavailable("the CUDA driver found no device");
        if (!NativeLibraries.TryLoad(NativeLibraries.Nvrtc, out string nvrtc))
            return new BackendAvailability(false, $"{nvrtc}; install the CUDA toolkit's NVRTC or set CUDA_PATH", infos);
        return new BackendAvailability(true, $"CUDA: {devices[0].Describe()}; NVRTC {nvrtc}", infos);
    }

    public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        BackendAvailability availability = Probe(options);
        if (!availability.IsAvailable) throw new BackendUnavailableException(availability.Reason);
        TryEnumerate(out IReadOnlyList<CudaDevice> devices, out _);

        return DeviceSelection.FirstThatStarts(Ordered(devices), device => CudaBackend.Create(device, problem, options), "CUDA");
    }

    private static IEnumerable<CudaDevice> Ordered(IReadOnlyList<CudaDevice> devices)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(DeviceVariable), out int ordinal))
            return devices.Where(d => d.Ordinal == ordinal);
        return devices.OrderByDescending(d => d.TotalMemory).ThenBy(d => d.Ordinal);
    }

    private static bool TryEnumerate(out IReadOnlyList<CudaDevice> devices, out string reason) =>
        DeviceSelection.TryEnumerate<CudaDevice, CudaException>(NativeLibraries.Cuda, CudaDevice.Enumerate, "the CUDA driver did not start", out devices, out reason);
}
