namespace GpuInference.Tests.Support;

/// <summary>Folders of the repository the tests run from, found by walking up from the test binaries.</summary>
public static class RepositoryFolders
{
    /// <summary>The kernel sources (<c>kernels/</c>).</summary>
    public static string Kernels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "kernels");
            if (File.Exists(Path.Combine(candidate, "platform.h"))) return candidate;
        }
        throw new DirectoryNotFoundException("kernels/ not found above the test directory");
    }
}
