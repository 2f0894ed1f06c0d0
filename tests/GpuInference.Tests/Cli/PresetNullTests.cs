using System.Security.Cryptography;

namespace GpuInference.Tests.Cli;

/// <summary>
/// The paper preset's null is the one it gave before `analyze` and `test` shared an engine for the paper's model
/// (the hash in Reference/preset_null_reference.txt, made by the earlier build), and `test` with the paper's model
/// gives the same values.
/// </summary>
public sealed class PresetNullTests
{
    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string Pinned() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Reference", "preset_null_reference.txt"))
            .Single(line => line.StartsWith("null_sha256 ", StringComparison.Ordinal))["null_sha256 ".Length..].Trim();

    [Theory]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void AnalyzeGivesTheNullItGaveBefore(string backend)
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "4000", "--seed", "5", "--out", dir).Exit);
        Assert.Equal("3bd558341dcc7909ecd97db2815e7257cf01870af5d09fde97a72f73d72a2351", Sha256(Path.Combine(dir, "nodes.csv")));
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv");

        var analyze = CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--permutations", "200", "--backend", backend, "--out", Path.Combine(dir, "a"));
        Assert.True(analyze.Exit == 0, analyze.Error);
        Assert.Equal(Pinned(), Sha256(Path.Combine(dir, "a", "null.csv")));

        var test = CliRunner.Run("test", "--nodes", nodes, "--edges", edges, "--model", "voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010",
            "--permute", "banner,feed", "--test", "count(banner)", "--test", "count(feed)", "--no-wald", "--seed", "42", "--permutations", "200",
            "--backend", backend, "--out", Path.Combine(dir, "t"));
        Assert.True(test.Exit == 0, test.Error);
        Assert.Equal(File.ReadLines(Path.Combine(dir, "a", "null.csv")).Skip(1), File.ReadLines(Path.Combine(dir, "t", "null.csv")).Skip(1));
    }
}
