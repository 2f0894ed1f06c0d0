namespace GpuInference.Tests.Support;

/// <summary>Folders of the repository the tests run from, found by walking up from the test binaries.</summary>
public static class RepositoryFolders
{
    /// <summary>The repository root: the folder holding GpuInference.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "GpuInference.sln"))) return dir.FullName;
            }
            throw new DirectoryNotFoundException("GpuInference.sln not found above the test directory");
        }
    }
}
