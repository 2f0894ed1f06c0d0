namespace GpuInference.Tests.Estimation;

/// <summary>
/// Finds the shared reference folder: the first ancestor of the test's base directory that holds
/// shared/data/nist (a clone sits beside shared/, so walking up from bin/… reaches it).
/// </summary>
internal static class SharedFolder
{
    public static string Find()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "data", "nist"))) return candidate;
        }
        Assert.Fail($"no ancestor of {AppContext.BaseDirectory} contains shared/data/nist; the NIST reference data are required");
        return "";
    }
}
