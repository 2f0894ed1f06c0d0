using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace GpuInference.Gpu.Common;

/// <summary>
/// Two-level cache of compiled kernels (memory, then disk), keyed by a SHA-256 of everything that changes the
/// output: source, options, compiler version and target architecture. Files are written to a temporary name and
/// moved into place, and carry a checksum of their body on the first line, so a torn or edited file is ignored and
/// rebuilt. Disk errors never fail a compile: the cache is an optimisation.
/// </summary>
internal sealed class PtxCache(string folder)
{
    /// <summary>Environment variable overriding the cache folder.</summary>
    public const string FolderVariable = "GPUINFERENCE_CACHE_DIR";

    private const string ChecksumPrefix = "// gpuinference sha256 ";

    private static readonly ConcurrentDictionary<string, string> Memory = new(StringComparer.Ordinal);

    public string Folder { get; } = folder;

    /// <summary>$GPUINFERENCE_CACHE_DIR, else $XDG_CACHE_HOME/gpuinference/ptx, else ~/.cache/gpuinference/ptx.</summary>
    public static PtxCache Default
    {
        get
        {
            string? folder = Environment.GetEnvironmentVariable(FolderVariable);
            if (string.IsNullOrEmpty(folder))
            {
                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                string root = !string.IsNullOrEmpty(xdg) ? xdg
                    : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
                folder = Path.Combine(root, "gpuinference", "ptx");
            }
            return new PtxCache(folder);
        }
    }

    /// <summary>The cache key: hex SHA-256 over the parts, each length-prefixed so that no two lists collide.</summary>
    public static string Key(string source, IEnumerable<string> options, string compilerVersion, string architecture)
    {
        var builder = new StringBuilder();
        void Add(string part) => builder.Append(part.Length).Append(':').Append(part).Append('\n');
        Add("ptx-cache-v1");
        Add(source);
        foreach (string option in options) Add(option);
        Add(compilerVersion);
        Add(architecture);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    public string PathOf(string key) => System.IO.Path.Combine(Folder, key + ".ptx");

    /// <summary>The cached text for <paramref name="key"/>, or null; <paramref name="origin"/> says "memory" or "disk".</summary>
    public string? TryGet(string key, out string origin)
    {
        origin = "memory";
        if (Memory.TryGetValue(key, out string? cached)) return cached;
        origin = "disk";
        try
        {
            string path = PathOf(key);
            if (!File.Exists(path)) return null;
            string text = File.ReadAllText(path, Encoding.UTF8);
            int newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline < 0 || !text.StartsWith(ChecksumPrefix, StringComparison.Ordinal)) return null;
            string checksum = text[ChecksumPrefix.Length..newline];
            string body = text[(newline + 1)..];
            if (!string.Equals(checksum, Checksum(body), StringComparison.Ordinal)) return null;
            Memory[key] = body;
            return body;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Remembers <paramref name="text"/>; the disk write is atomic (temporary file, then move).</summary>
    public void Put(string key, string text)
    {
        Memory[key] = text;
        string temporary = System.IO.Path.Combine(Folder, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(temporary, ChecksumPrefix + Checksum(text) + "\n" + text, new UTF8Encoding(false));
            File.Move(temporary, PathOf(key), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Test hook: forgets the in-memory level so that the disk level is exercised.</summary>
    internal static void ClearMemory() => Memory.Clear();

    private static string Checksum(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
