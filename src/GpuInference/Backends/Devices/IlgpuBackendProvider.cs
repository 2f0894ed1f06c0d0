using GpuInference.Design;
using ILGPU;
using ILGPU.Runtime;

namespace GpuInference.Backends.Devices;

/// <summary>
/// Finds and starts the device backend on one kind of ILGPU accelerator. With <see cref="BackendOptions.Device"/>
/// set, only that device (counted from 0 among the kind's devices, as <c>gpuinference devices</c> lists them) is
/// tried; otherwise the first that starts.
/// </summary>
public sealed class IlgpuBackendProvider(DeviceKind kind) : IBackendProvider, IAssignmentMethodProvider
{
    public DeviceKind Kind { get; } = kind;

    public string Name => Kind.Name();

    public BackendAvailability Probe(BackendOptions options)
    {
        try
        {
            using Context context = AcceleratorDevices.Open(Kind);
            IReadOnlyList<FoundDevice> found = AcceleratorDevices.List(context, Kind);
            DeviceInfo[] devices = [.. found.Select(d => d.Describe(Kind))];
            if (found.Count == 0) return BackendAvailability.Unavailable(AcceleratorDevices.NoDeviceReason(Kind));
            if (options.Device is int index && (index < 0 || index >= found.Count))
                return new BackendAvailability(false, $"no device {index}: {found.Count} {Name} device{(found.Count == 1 ? "" : "s")} found (counted from 0)", devices);
            IEnumerable<FoundDevice> candidates = options.Device is int chosen ? [found[chosen]] : found;
            FoundDevice? usable = candidates.FirstOrDefault(d => Refusal(d, options) is null);
            if (usable is null) return new BackendAvailability(false, string.Join("; ", candidates.Select(d => $"{d.Device.Name}: {Refusal(d, options)}")), devices);
            return new BackendAvailability(true, $"ILGPU {Kind} accelerator: {usable.Device.Name}", devices);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            return BackendAvailability.Unavailable($"ILGPU could not open its {Name} context: {Innermost(e)}");
        }
    }

    public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) =>
        ((IAssignmentMethodProvider)this).Create(problem, options, AssignmentMethod.Auto);

    IPermutationBackend IAssignmentMethodProvider.Create(SpilloverProblem problem, BackendOptions options, AssignmentMethod method)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Start(options, (context, device) => new IlgpuBackend(Kind, context, device, problem, options, method));
    }

    public Models.IModelBackend CreateModel(Models.ModelProblem problem, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Start<Models.IModelBackend>(options, (context, device) => new IlgpuModelBackend(Kind, context, device, problem));
    }

    /// <summary>Starts a backend on the chosen device, or on the first of the kind's devices that starts.</summary>
    private T Start<T>(BackendOptions options, Func<Context, Device, T> start)
    {
        ArgumentNullException.ThrowIfNull(options);
        int deviceCount;
        using (Context listing = AcceleratorDevices.Open(Kind)) deviceCount = AcceleratorDevices.List(listing, Kind).Count;
        if (deviceCount == 0) throw new BackendUnavailableException(AcceleratorDevices.NoDeviceReason(Kind));
        IEnumerable<int> indices = options.Device is int chosen ? [chosen] : Enumerable.Range(0, deviceCount);
        var failures = new List<string>();
        foreach (int index in indices)
        {
            if (index < 0 || index >= deviceCount)
            {
                failures.Add($"no device {index}: {deviceCount} found (counted from 0)");
                continue;
            }
            // Each backend owns its context, so that disposing one never pulls the device from under another.
            Context context = AcceleratorDevices.Open(Kind);
            FoundDevice device = AcceleratorDevices.List(context, Kind)[index];
            if (Refusal(device, options) is string refusal)
            {
                failures.Add($"{device.Device.Name}: {refusal}");
                context.Dispose();
                continue;
            }
            try
            {
                return start(context, device.Device);
            }
            catch (BackendUnavailableException e)
            {
                failures.Add(e.Message);
            }
        }
        throw new BackendUnavailableException($"no {Name} device could start: {string.Join("; ", failures)}");
    }

    /// <summary>The root cause of a failure inside ILGPU (a type initializer wraps the exception that matters).</summary>
    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return $"{e.GetType().Name}: {e.Message}";
    }

    /// <summary>Why <paramref name="device"/> is not taken under <paramref name="options"/>; null when it is.</summary>
    private static string? Refusal(FoundDevice device, BackendOptions options) =>
        device.Unsupported
        ?? (options.GpuOnly && device.Device.AcceleratorType == ILGPU.Runtime.AcceleratorType.CPU
            ? "not a GPU (auto takes GPUs only; name the backend to use it)"
            : null);
}
