using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Gpu.Ilgpu;

namespace GpuInference.Cli;

/// <summary>
/// Every backend the program knows, in the order <c>--backend auto</c> tries them: CUDA, OpenCL, then the managed
/// CPU backend, which is always available, so auto never reaches ILGPU's CPU accelerator (tests and selfcheck only).
/// </summary>
internal static class BackendCatalog
{
    public static IReadOnlyList<IBackendProvider> All { get; } = 
        [new IlgpuBackendProvider(DeviceKind.Cuda), new IlgpuBackendProvider(DeviceKind.OpenCL), new CpuBackendProvider(), new IlgpuBackendProvider(DeviceKind.Cpu)];
}
