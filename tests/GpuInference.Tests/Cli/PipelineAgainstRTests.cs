using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace GpuInference.Tests.Cli;

/// <summary>
/// The whole `analyze` report against R on one simulated experiment: which rows each model uses, which dummies,
/// which strata, and the spillover fit from exact integer moments, all as estimatr computes them. The data are
/// regenerated from their seed and checked by hash; tests/reference-scripts/pipeline_reference.R printed the values.
/// </summary>
public class PipelineAgainstRTests
{
    private static Dictionary<string, string> Reference() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Reference", "pipeline_reference.txt"))
            .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void EveryEstimateMatchesR()
    {
        Dictionary<string, string> r = Reference();
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "4000", "--seed", "5", "--out", dir).Exit);
        Assert.Equal(r["nodes_sha256"], Sha256(Path.Combine(dir, "nodes.csv")));
        Assert.Equal(r["edges_sha256"], Sha256(Path.Combine(dir, "edges.csv")));

        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"),
            "--permutations", "20", "--backend", "cpu", "--out", Path.Combine(dir, "report"));
        Assert.True(run.Exit == 0, run.Error);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report", "report.json")));
        JsonElement root = report.RootElement;

        void Check(string key, JsonElement actual)
        {
            double expected = double.Parse(r[key], CultureInfo.InvariantCulture);
            double value = actual.GetDouble();
            Assert.True(Math.Abs(value - expected) <= 1e-9 * Math.Abs(expected), $"{key}: R {expected:R}, engine {value:R}");
        }

        foreach (string name in new[] { "both_vs_neither", "both_vs_neither_adjusted", "post_stratified", "factorial_banner", "factorial_feed" })
        {
            Check($"{name}.estimate", root.GetProperty("direct").GetProperty(name).GetProperty("estimate"));
            Check($"{name}.se", root.GetProperty("direct").GetProperty(name).GetProperty("se"));
        }
        foreach (string name in new[] { "banner", "feed" })
        {
            Check($"spillover_{name}.estimate", root.GetProperty("spillover").GetProperty(name).GetProperty("estimate"));
            Check($"spillover_{name}.se", root.GetProperty("spillover").GetProperty(name).GetProperty("se"));
        }
        Assert.Equal(long.Parse(r["units"], CultureInfo.InvariantCulture), root.GetProperty("units").GetInt64());
        Assert.Equal(long.Parse(r["edges"], CultureInfo.InvariantCulture), root.GetProperty("edges").GetInt64());
    }
}
