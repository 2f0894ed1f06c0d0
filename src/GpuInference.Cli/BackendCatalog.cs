using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Gpu.Common;

namespace GpuInference.Cli;

/// <summary>Every backend the program knows, in the order <c>--backend auto</c> tries them: CUDA, OpenCL, then the CPU.</summary>
internal static class BackendCatalog
{
    public static IReadOnlyList<IBackendProvider> All { get; } = [.. DeviceCatalog.DeviceProviders(), new CpuBackendProvider()];
}
