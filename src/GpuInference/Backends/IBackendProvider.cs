using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>A device a backend can run on, as listed by <c>gpuinference devices</c>.</summary>
public sealed record DeviceInfo(string Backend, string Name, long MemoryBytes, int ComputeUnits, bool IsGpu, string Details);

/// <summary>Whether a backend can run here, and if not, why (no driver, no device, ...).</summary>
public sealed record BackendAvailability(bool IsAvailable, string Reason, IReadOnlyList<DeviceInfo> Devices)
{
    public static BackendAvailability Unavailable(string reason) => new(false, reason, []);
}

/// <summary>Settings every backend understands.</summary>
public sealed record BackendOptions
{
    /// <summary>Worker threads for host-side work; 0 means all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Permutations per batch; 0 means the backend's maximum.</summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Which device of the backend to use, counted from 0 in the order <c>gpuinference devices</c> lists them;
    /// null means the first that can start.
    /// </summary>
    public int? Device { get; init; }

    /// <summary>Only GPU devices: what <c>auto</c> asks of a device backend, since a CPU device would be slower than the managed CPU backend.</summary>
    public bool GpuOnly { get; internal init; }
}

/// <summary>
/// Finds and creates one kind of backend. A missing driver is a normal state reported by <see cref="Probe"/>,
/// never an exception, until the user asks for this backend by name.
/// </summary>
public interface IBackendProvider
{
    /// <summary>"cpu", "cuda", "opencl" or "ilgpu-cpu".</summary>
    string Name { get; }

    /// <summary>Looks for the driver and devices without side effects beyond loading libraries.</summary>
    BackendAvailability Probe(BackendOptions options);

    /// <summary>Uploads the problem and compiles what is needed. Throws <see cref="BackendUnavailableException"/> when it cannot.</summary>
    IPermutationBackend Create(SpilloverProblem problem, BackendOptions options);

    /// <summary>As <see cref="Create"/>, for a general model laid out by the host. A provider without one says so.</summary>
    Models.IModelBackend CreateModel(Models.ModelProblem problem, BackendOptions options) =>
        throw new BackendUnavailableException($"backend '{Name}' has no kernels for general models");
}

/// <summary>The backend cannot start here (no driver, no device, kernel compile error).</summary>
public sealed class BackendUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A backend failed during a run (device lost, out of memory); the batch can be retried elsewhere.</summary>
public sealed class BackendFaultException(string message, Exception? inner = null) : Exception(message, inner);
