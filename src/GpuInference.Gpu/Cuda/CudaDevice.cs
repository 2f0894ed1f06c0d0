using System.Runtime.InteropServices;
using GpuInference.Backends;
using static GpuInference.Gpu.Cuda.CudaApi;

namespace GpuInference.Gpu.Cuda;

/// <summary>One CUDA device as the driver reports it.</summary>
internal sealed record CudaDevice(int Ordinal, int Handle, string Name, long TotalMemory, int Multiprocessors, int Major, int Minor, int DriverVersion)
{
    public string ComputeCapability => $"{Major}.{Minor}";

    /// <summary>"NVIDIA H100 80GB HBM3 (CUDA device 0, sm_90, driver 13.0)".</summary>
    public string Describe() => $"{Name} (CUDA device {Ordinal}, sm_{Major}{Minor}, driver {DriverVersion / 1000}.{DriverVersion % 1000 / 10})";

    public DeviceInfo ToDeviceInfo() => new(
        "cuda", Name, TotalMemory, Multiprocessors, true, $"device {Ordinal}; compute capability {ComputeCapability}; driver {DriverVersion / 1000}.{DriverVersion % 1000 / 10}");

    /// <summary>Initialises the driver and lists its devices; no device (CUDA_ERROR_NO_DEVICE) is an empty list.</summary>
    public static unsafe IReadOnlyList<CudaDevice> Enumerate()
    {
        int status = cuInit(0);
        if (status == ErrorNoDevice) return [];
        CudaException.ThrowIfFailed(status, "cuInit(0)");
        CudaException.ThrowIfFailed(cuDriverGetVersion(out int driver));
        CudaException.ThrowIfFailed(cuDeviceGetCount(out int count));
        var devices = new List<CudaDevice>(count);
        byte* name = stackalloc byte[256];
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            CudaException.ThrowIfFailed(cuDeviceGet(out int device, ordinal));
            CudaException.ThrowIfFailed(cuDeviceGetName(name, 256, device));
            CudaException.ThrowIfFailed(cuDeviceTotalMem_v2(out nuint memory, device));
            CudaException.ThrowIfFailed(cuDeviceGetAttribute(out int multiprocessors, AttributeMultiprocessorCount, device));
            CudaException.ThrowIfFailed(cuDeviceGetAttribute(out int major, AttributeComputeCapabilityMajor, device));
            CudaException.ThrowIfFailed(cuDeviceGetAttribute(out int minor, AttributeComputeCapabilityMinor, device));
            devices.Add(new CudaDevice(ordinal, device, Marshal.PtrToStringUTF8((nint)name) ?? $"device {ordinal}", (long)memory, multiprocessors, major, minor, driver));
        }
        return devices;
    }
}
