namespace GpuInference.Tests.Support;

/// <summary>
/// Finds the project's shared reference data (NIST StRD, Random123 vectors, the SNAP graph): a folder named
/// <c>shared</c> with a <c>data</c> subfolder, beside the checkout or above the test's base directory.
/// A missing folder fails the test: these are the values the tests are pinned to.
/// </summary>
public static class SharedData
{
    public static string Root { get; } = Locate();

    public static string PathOf(params string[] parts) => Path.Combine([Root, "data", .. parts]);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "data"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"shared/data not found above {AppContext.BaseDirectory}: the reference data must sit beside the checkout.");
    }
}
