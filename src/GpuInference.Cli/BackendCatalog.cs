using GpuInference.Backends;
using GpuInference.Backends.Cpu;

namespace GpuInference.Cli;

/// <summary>Every backend the program knows, in the order <c>--backend auto</c> tries them.</summary>
internal static class BackendCatalog
{
    public static IReadOnlyList<IBackendProvider> All { get; } = [new CpuBackendProvider()];
}
