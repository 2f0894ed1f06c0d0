namespace GpuInference.Tests.Support;

/// <summary>
/// Finds the project's shared reference data (NIST StRD, Random123 vectors, the SNAP graph): the folder named by
/// GPUINFERENCE_SHARED when it is set and holds <c>data</c>, else the nearest folder named <c>shared</c> with a
/// <c>data</c> subfolder above the test's base directory (a checkout sits beside <c>shared/</c>). A missing folder
/// fails the test: these are the values the tests are pinned to.
/// </summary>
public static class SharedData
{
    /// <summary>Environment variable naming the shared folder explicitly.</summary>
    public const string Variable = "GPUINFERENCE_SHARED";

    private static readonly Lazy<string> Located = new(Locate);

    /// <summary>The shared folder (the parent of <c>data</c>).</summary>
    public static string Root => Located.Value;

    /// <summary>A path under <c>shared/data</c>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, "data", .. parts]);

    /// <summary>The Random123 known-answer vectors.</summary>
    public static string KatVectors => PathOf("random123", "kat_vectors");

    private static string Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(Path.Combine(fromEnvironment, "data"))) return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "data"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"shared/data not found above {AppContext.BaseDirectory} (nor in {Variable}): the reference data must sit beside the checkout.");
    }
}
