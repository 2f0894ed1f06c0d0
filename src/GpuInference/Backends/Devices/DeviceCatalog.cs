using System.Globalization;
using System.Text;

namespace GpuInference.Backends.Devices;

/// <summary>What <c>gpuinference devices</c> prints: every backend, whether it can run here, why not, and its devices.</summary>
public static class DeviceCatalog
{
    /// <summary>
    /// One block per provider: "opencl: available (OpenCL: ...)" or "cuda: unavailable: no CUDA driver (...)", then
    /// one indented line per device with memory, compute units and details.
    /// </summary>
    public static string Describe(IEnumerable<IBackendProvider> providers, BackendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        options ??= new BackendOptions();
        var builder = new StringBuilder();
        foreach (IBackendProvider provider in providers)
        {
            BackendAvailability availability;
            try
            {
                availability = provider.Probe(options);
            }
            catch (Exception e)
            {
                // Probe should not throw; if a driver misbehaves, say so instead of failing the listing.
                availability = BackendAvailability.Unavailable($"probe failed: {e.Message}");
            }
            builder.Append(provider.Name).Append(": ")
                .Append(availability.IsAvailable ? "available (" + availability.Reason + ")" : "unavailable: " + availability.Reason)
                .Append('\n');
            foreach (DeviceInfo device in availability.Devices)
            {
                builder.Append("  ").Append(device.IsGpu ? "GPU " : "    ").Append(device.Name)
                    .Append(string.Create(CultureInfo.InvariantCulture, $", {device.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {device.ComputeUnits} compute units"))
                    .Append(string.IsNullOrEmpty(device.Details) ? "" : "; " + device.Details)
                    .Append('\n');
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// The device backends of this assembly: CUDA, then OpenCL (the order auto tries them), then ILGPU's CPU
    /// accelerator, which auto never reaches because the managed CPU backend comes before it.
    /// </summary>
    public static IReadOnlyList<IBackendProvider> DeviceProviders() =>
        [new IlgpuBackendProvider(DeviceKind.Cuda), new IlgpuBackendProvider(DeviceKind.OpenCL), new IlgpuBackendProvider(DeviceKind.Cpu)];
}
