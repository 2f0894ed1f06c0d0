using GpuInference.Backends.Cpu;
using GpuInference.Backends.Devices;

namespace GpuInference.Backends;

/// <summary>The backends the library knows, in the order <c>auto</c> tries them.</summary>
public static class BackendProviders
{
    /// <summary>
    /// CUDA, then OpenCL (GPUs only under auto), then the managed CPU backend, which is always available, so auto
    /// never reaches ILGPU's CPU accelerator (it is listed for tests and selfcheck).
    /// </summary>
    public static IReadOnlyList<IBackendProvider> Default { get; } =
        [new IlgpuBackendProvider(DeviceKind.Cuda), new IlgpuBackendProvider(DeviceKind.OpenCL), new CpuBackendProvider(), new IlgpuBackendProvider(DeviceKind.Cpu)];
}
