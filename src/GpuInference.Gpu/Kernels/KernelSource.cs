using System.Text;
using System.Text.RegularExpressions;

namespace GpuInference.Gpu.Kernels;

/// <summary>
/// Reads the kernel sources (embedded as <c>kernels/&lt;file&gt;</c>, or from the folder named by
/// BackendOptions.KernelFolder, which defaults to <c>GPUINFERENCE_KERNELS</c>, during development) and resolves <c>#include "x.h"</c> by inlining each file once,
/// with <c>#line</c> markers so that compiler logs name the original file and line. The result is one translation
/// unit that OpenCL and NVRTC both take without include paths.
/// </summary>
internal static partial class KernelSource
{
    /// <summary>The file with every kernel of a batch.</summary>
    public const string Spillover = "spillover.cl";

    [GeneratedRegex("""^\s*#\s*include\s*"([^"]+)"\s*$""")]
    private static partial Regex IncludeLine();

    /// <summary>
    /// The self-contained source of <paramref name="file"/> (e.g. <see cref="Spillover"/>), from
    /// <paramref name="folder"/> when given (see BackendOptions.KernelFolder), else from the embedded copies.
    /// </summary>
    public static string Load(string file, string? folder = null)
    {
        var builder = new StringBuilder();
        Append(file, folder, builder, new HashSet<string>(StringComparer.Ordinal));
        return builder.ToString();
    }

    /// <summary>Where the sources come from, for logs: "embedded" or the folder.</summary>
    public static string Origin(string? folder) => folder ?? "embedded";

    private static void Append(string file, string? folder, StringBuilder builder, HashSet<string> included)
    {
        if (!included.Add(file)) return;
        string[] lines = ReadFile(file, folder).Replace("\r\n", "\n").Split('\n');
        builder.Append("#line 1 \"").Append(file).Append("\"\n");
        for (int number = 0; number < lines.Length; number++)
        {
            Match include = IncludeLine().Match(lines[number]);
            if (!include.Success)
            {
                builder.Append(lines[number]).Append('\n');
                continue;
            }
            Append(include.Groups[1].Value, folder, builder, included);
            builder.Append("#line ").Append(number + 2).Append(" \"").Append(file).Append("\"\n");
        }
    }

    private static string ReadFile(string file, string? folder)
    {
        if (folder is not null)
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"kernel file {file} not found in {folder}", path);
            return File.ReadAllText(path);
        }
        string resource = "kernels/" + file;
        using Stream? stream = typeof(KernelSource).Assembly.GetManifestResourceStream(resource);
        if (stream is null) throw new FileNotFoundException($"kernel file {file} is not embedded (resource {resource})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
