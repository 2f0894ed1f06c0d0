using System.Runtime.InteropServices;
using System.Text;
using GpuInference.Backends;
using GpuInference.Gpu.Common;
using GpuInference.Gpu.Kernels;
using static GpuInference.Gpu.Cuda.NvrtcApi;

namespace GpuInference.Gpu.Cuda;

/// <summary>
/// Compiles the kernel source to PTX with NVRTC for one compute capability, through the two-level
/// <see cref="PtxCache"/>. A compile error becomes a <see cref="BackendUnavailableException"/> carrying the options,
/// the compiler log and the line-numbered source; with GPUINFERENCE_DUMP_KERNEL set, the source is also written
/// to a file whose path the message gives.
/// </summary>
internal static unsafe class CudaCompiler
{
    public const string DumpVariable = "GPUINFERENCE_DUMP_KERNEL";

    /// <summary>"12.8": the NVRTC version, part of the cache key.</summary>
    public static string Version()
    {
        NvrtcException.ThrowIfFailed(nvrtcVersion(out int major, out int minor));
        return $"{major}.{minor}";
    }

    /// <summary>
    /// The architecture to compile for: the device's own when NVRTC knows it, else the newest NVRTC supports below
    /// it (the driver JIT-compiles the PTX forward).
    /// </summary>
    public static (int Major, int Minor) Architecture(int major, int minor)
    {
        int wanted = major * 10 + minor;
        int[] supported;
        try
        {
            NvrtcException.ThrowIfFailed(nvrtcGetNumSupportedArchs(out int count));
            supported = new int[count];
            fixed (int* s = supported) NvrtcException.ThrowIfFailed(nvrtcGetSupportedArchs(s));
        }
        catch (EntryPointNotFoundException)
        {
            return (major, minor); // NVRTC older than 11.2: trust the device's own
        }
        if (supported.Length == 0 || supported.Contains(wanted)) return (major, minor);
        int best = supported.Where(a => a <= wanted).DefaultIfEmpty(supported.Min()).Max();
        return (best / 10, best % 10);
    }

    /// <summary>PTX of <paramref name="file"/> for the given architecture; <paramref name="origin"/> says where it came from.</summary>
    public static string Compile(string file, int major, int minor, string? kernelFolder, out string origin)
    {
        string source = KernelSource.Load(file, kernelFolder);
        IReadOnlyList<string> options = KernelOptions.Nvrtc(major, minor);
        string version = Version();
        string key = PtxCache.Key(source, options, "nvrtc " + version, $"compute_{major}{minor}");
        PtxCache cache = PtxCache.Default;
        if (cache.TryGet(key, out origin) is { } cached) return cached;

        string ptx = CompileUncached(file, source, options);
        cache.Put(key, ptx);
        origin = $"nvrtc {version}";
        return ptx;
    }

    private static string CompileUncached(string file, string source, IReadOnlyList<string> options)
    {
        byte[] sourceBytes = Encoding.UTF8.GetBytes(source + "\0");
        byte[] nameBytes = Encoding.UTF8.GetBytes(file + "\0");
        NvrtcProgramHandle program;
        fixed (byte* s = sourceBytes)
        fixed (byte* n = nameBytes)
        {
            NvrtcException.ThrowIfFailed(nvrtcCreateProgram(out program, s, n, 0, null, null));
        }
        using (program)
        {
            var optionHandles = options.Select(o => Marshal.StringToCoTaskMemUTF8(o)).ToArray();
            int status;
            try
            {
                byte** optionPointers = stackalloc byte*[optionHandles.Length];
                for (int i = 0; i < optionHandles.Length; i++) optionPointers[i] = (byte*)optionHandles[i];
                status = nvrtcCompileProgram(program, optionHandles.Length, optionPointers);
            }
            finally
            {
                foreach (nint handle in optionHandles) Marshal.FreeCoTaskMem(handle);
            }
            string log = Log(program);
            if (status != Success)
            {
                string dumped = "";
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DumpVariable)))
                {
                    string path = Path.Combine(Path.GetTempPath(), $"gpuinference-{Path.GetFileNameWithoutExtension(file)}-{Environment.ProcessId}.cu");
                    File.WriteAllText(path, source);
                    dumped = $"\nsource written to {path}";
                }
                throw new BackendUnavailableException(
                    $"NVRTC could not compile {file} (nvrtcResult {status}); options: {string.Join(' ', options)}{dumped}\n{log}\n{Numbered(source)}");
            }

            NvrtcException.ThrowIfFailed(nvrtcGetPTXSize(program, out nuint size));
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx) NvrtcException.ThrowIfFailed(nvrtcGetPTX(program, p));
            return Encoding.UTF8.GetString(ptx).TrimEnd('\0');
        }
    }

    private static string Log(NvrtcProgramHandle program)
    {
        if (nvrtcGetProgramLogSize(program, out nuint size) != Success || size <= 1) return "(empty compiler log)";
        var log = new byte[(int)size];
        fixed (byte* l = log)
        {
            if (nvrtcGetProgramLog(program, l) != Success) return "(no compiler log)";
        }
        return Encoding.UTF8.GetString(log).TrimEnd('\0');
    }

    private static string Numbered(string source)
    {
        string[] lines = source.Split('\n');
        var builder = new StringBuilder();
        for (int i = 0; i < lines.Length; i++) builder.Append((i + 1).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(lines[i]).Append('\n');
        return builder.ToString();
    }
}
