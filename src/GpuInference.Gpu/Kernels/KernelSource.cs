using System.Text;
using System.Text.RegularExpressions;

namespace GpuInference.Gpu.Kernels;

/// <summary>
/// Reads the kernel sources (embedded as <c>kernels/&lt;file&gt;</c>, or from the folder named by
/// <c>GPUINFERENCE_KERNELS</c> during development) and resolves <c>#include "x.h"</c> by inlining each file once,
/// with <c>#line</c> markers so that compiler logs name the original file and line. The result is one translation
/// unit that OpenCL and NVRTC both take without include paths.
/// </summary>
internal static partial class KernelSource
{
    /// <summary>Environment variable naming a folder whose .cl/.h files replace the embedded ones.</summary>
    public const string FolderVariable = "GPUINFERENCE_KERNELS";

    /// <summary>The file with every kernel of a batch.</summary>
    public const string Spillover = "spillover.cl";

    [GeneratedRegex("""^\s*#\s*include\s*"([^"]+)"\s*$""")]
    private static partial Regex IncludeLine();

    /// <summary>The self-contained source of <paramref name="file"/> (e.g. <see cref="Spillover"/>).</summary>
    public static string Load(string file)
    {
        var builder = new StringBuilder();
        Append(file, builder, new HashSet<string>(StringComparer.Ordinal));
        return builder.ToString();
    }

    /// <summary>Where the sources come from, for logs: "embedded" or the folder.</summary>
    public static string Origin => Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder : "embedded";

    private static void Append(string file, StringBuilder builder, HashSet<string> included)
    {
        if (!included.Add(file)) return;
        string[] lines = ReadFile(file).Replace("\r\n", "\n").Split('\n');
        builder.Append("#line 1 \"").Append(file).Append("\"\n");
        for (int number = 0; number < lines.Length; number++)
        {
            Match include = IncludeLine().Match(lines[number]);
            if (!include.Success)
            {
                builder.Append(lines[number]).Append('\n');
                continue;
            }
            Append(include.Groups[1].Value, builder, included);
            builder.Append("#line ").Append(number + 2).Append(" \"").Append(file).Append("\"\n");
        }
    }

    private static string ReadFile(string file)
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder)
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"kernel file {file} not found in {FolderVariable}={folder}", path);
            return File.ReadAllText(path);
        }
        string resource = "kernels/" + file;
        using Stream? stream = typeof(KernelSource).Assembly.GetManifestResourceStream(resource);
        if (stream is null) throw new FileNotFoundException($"kernel file {file} is not embedded (resource {resource})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
