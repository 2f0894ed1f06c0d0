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

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
