using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;

namespace GpuInference.Gpu.Cuda;

public sealed class CudaBackendProvider : IBackendProvider
{
    public string Name => "cuda";

    public BackendAvailability Probe(BackendOptions options)
    {
        if (!NativeLibraries.TryLoad(NativeLibraries.Cuda, out string reason)) return BackendAvailability.Unavailable(reason);
        return BackendAvailability.Unavailable("todo");
    }

    public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => throw new BackendUnavailableException(Probe(options).Reason);
}
