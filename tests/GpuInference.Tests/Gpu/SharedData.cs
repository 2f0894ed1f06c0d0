namespace GpuInference.Tests.Gpu;

/// <summary>Finds the shared reference data (a <c>shared/data</c> folder beside the repository or above it).</summary>
internal static class SharedData
{
    public static string Folder
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "shared", "data");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException($"no shared/data folder above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The Random123 known-answer vectors.</summary>
    public static string KatVectors => Path.Combine(Folder, "random123", "kat_vectors");
}
