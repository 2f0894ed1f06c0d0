using System.IO.Compression;
using System.Text;

namespace GpuInference.Tests.Data;

/// <summary>A temporary folder per test for small input files; deleted on dispose.</summary>
internal sealed class TestFiles : IDisposable
{
    public TestFiles() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "gpuinference-tests", Guid.NewGuid().ToString("N"));

    public string Write(string name, string content)
    {
        string path = Path.Combine(Root, name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
        return path;
    }

    public string WriteGzip(string name, string content)
    {
        string path = Path.Combine(Root, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>
    /// The shared/ folder: GPUINFERENCE_SHARED when set, else the nearest ancestor of the test binaries holding
    /// shared/data (CI checks shared/ out beside the repository).
    /// </summary>
    public static string? FindShared()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("GPUINFERENCE_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(Path.Combine(fromEnvironment, "data"))) return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "data"))) return candidate;
        }
        return null;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
