using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GpuInference.Gpu.Common;

/// <summary>
/// Opens the driver libraries at run time, by probing a list of names and folders, so that a machine without them
/// still runs (the backend reports itself unavailable). The <c>[LibraryImport]</c> declarations name the logical
/// libraries below; a resolver set once on this assembly hands them the handle found here.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Logical name of the OpenCL ICD loader in <c>[LibraryImport]</c>.</summary>
    public const string OpenCl = "gpuinference-opencl";

    /// <summary>Logical name of the CUDA driver API.</summary>
    public const string Cuda = "gpuinference-cuda";

    /// <summary>Logical name of the CUDA runtime compiler.</summary>
    public const string Nvrtc = "gpuinference-nvrtc";

    private static readonly ConcurrentDictionary<string, LoadResult> Loaded = new();
    private static readonly object ResolverLock = new();
    private static bool _resolverSet;

    private sealed record LoadResult(nint Handle, string Path, string Reason);

    /// <summary>Tries to open <paramref name="library"/> (one of the constants above); the reason says what was tried.</summary>
    public static bool TryLoad(string library, out string pathOrReason)
    {
        EnsureResolver();
        LoadResult result = Loaded.GetOrAdd(library, Probe);
        pathOrReason = result.Handle != 0 ? result.Path : result.Reason;
        return result.Handle != 0;
    }

    /// <summary>The folders and names tried for a library, in order; for messages and <c>devices</c>.</summary>
    public static IReadOnlyList<string> Candidates(string library)
    {
        bool windows = OperatingSystem.IsWindows();
        switch (library)
        {
            case OpenCl:
                return windows ? ["OpenCL.dll"] : ["libOpenCL.so.1", "libOpenCL.so"];
            case Cuda:
                return windows ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];
            case Nvrtc:
            {
                string[] names = windows
                    ? ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"]
                    : ["libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"];
                var candidates = new List<string>(names);
                foreach (string folder in CudaLibraryFolders())
                {
                    foreach (string name in names) candidates.Add(Path.Combine(folder, name));
                }
                return candidates;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(library), library, "unknown native library");
        }
    }

    private static IEnumerable<string> CudaLibraryFolders()
    {
        foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
        {
            string? root = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(root)) continue;
            yield return Path.Combine(root, OperatingSystem.IsWindows() ? "bin" : "lib64");
            if (!OperatingSystem.IsWindows()) yield return Path.Combine(root, "lib");
        }
        if (!OperatingSystem.IsWindows()) yield return "/usr/local/cuda/lib64";
    }

    private static LoadResult Probe(string library)
    {
        IReadOnlyList<string> candidates = Candidates(library);
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out nint handle)) return new LoadResult(handle, candidate, "");
        }
        string what = library switch
        {
            OpenCl => "no OpenCL loader",
            Cuda => "no CUDA driver",
            _ => "no NVRTC",
        };
        string tried = candidates.Count <= 2 ? string.Join(" or ", candidates) : $"{candidates[0]} and {candidates.Count - 1} other paths";
        return new LoadResult(0, "", $"{what} ({tried} not found)");
    }

    private static void EnsureResolver()
    {
        lock (ResolverLock)
        {
            if (_resolverSet) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            _resolverSet = true;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName is not (OpenCl or Cuda or Nvrtc)) return 0;
        LoadResult result = Loaded.GetOrAdd(libraryName, Probe);
        if (result.Handle == 0) throw new DllNotFoundException(result.Reason);
        return result.Handle;
    }
}
