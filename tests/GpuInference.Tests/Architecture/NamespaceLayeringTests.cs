using System.Text.RegularExpressions;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Architecture;

/// <summary>
/// The library's namespaces depend one way, in the order data flows: a namespace may use those before it, never one
/// after it. Read from the sources, so that a using directive or a qualified name that points backwards fails here.
/// </summary>
public sealed class NamespaceLayeringTests
{
    /// <summary>The layers, first to last; Engine is the front door over them all (the root namespace holds only the progress interface).</summary>
    private static readonly string[] Layers = ["Random", "Data", "Graph", "Simulation", "Design", "Model", "Backends", "Estimation", "Inference", "Analysis", "Reporting", "Engine"];

    [Fact]
    public void NamespacesOnlyUseEarlierLayers()
    {
        string library = Path.Combine(RepositoryFolders.Root, "src", "GpuInference");
        Assert.Equal(Layers.Order(), Directory.GetDirectories(library).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).Order()!);
        var backward = new List<string>();
        foreach (string file in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            Match own = Regex.Match(text, @"^namespace GpuInference\.(\w+)", RegexOptions.Multiline);
            if (!own.Success) continue;
            int rank = Array.IndexOf(Layers, own.Groups[1].Value);
            Assert.True(rank >= 0, $"{file}: namespace {own.Groups[1].Value} is no layer");
            foreach (string later in Layers[(rank + 1)..])
            {
                if (Regex.IsMatch(text, $@"GpuInference\.{later}\b|(?<![\w.]){later}\.[A-Z]\w*"))
                    backward.Add($"{Path.GetRelativePath(library, file)} ({own.Groups[1].Value}) uses {later}");
            }
        }
        Assert.Empty(backward);
    }
}
