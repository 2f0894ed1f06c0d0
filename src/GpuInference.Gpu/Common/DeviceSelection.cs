using GpuInference.Backends;

namespace GpuInference.Gpu.Common;

/// <summary>
/// What the CUDA and OpenCL providers do alike: enumerate devices without throwing (a missing library or a driver
/// that will not start is a reason, not an error), and start a backend on the first device that can.
/// </summary>
internal static class DeviceSelection
{
    /// <summary>
    /// Loads <paramref name="library"/> and lists its devices. False, with the reason, when the library is missing or
    /// enumeration fails with <typeparamref name="TApiException"/> or a missing entry point.
    /// </summary>
    public static bool TryEnumerate<TDevice, TApiException>(
        string library, Func<IReadOnlyList<TDevice>> enumerate, string failure, out IReadOnlyList<TDevice> devices, out string reason)
        where TApiException : Exception
    {
        devices = [];
        if (!NativeLibraries.TryLoad(library, out reason)) return false;
        try
        {
            devices = enumerate();
            return true;
        }
        catch (Exception e) when (e is TApiException or DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"{failure}: {e.Message}";
            return false;
        }
    }

    /// <summary>A backend on the first of <paramref name="devices"/> that starts; every device's reason when none does.</summary>
    public static IPermutationBackend FirstThatStarts<TDevice>(IEnumerable<TDevice> devices, Func<TDevice, IPermutationBackend> start, string api)
    {
        var failures = new List<string>();
        foreach (TDevice device in devices)
        {
            try
            {
                return start(device);
            }
            catch (BackendUnavailableException e)
            {
                failures.Add(e.Message);
            }
        }
        throw new BackendUnavailableException($"no {api} device could start:\n" + string.Join('\n', failures));
    }
}
