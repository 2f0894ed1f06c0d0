using System.Text.Json;

namespace GpuInference.Tests.Cli;

public class EndToEndTests
{
    [Fact]
    public void SimulateThenAnalyzeRecoversTheSimulatedEffects()
    {
        string dir = CliRunner.TempFolder();
        var sim = CliRunner.Run("simulate", "--n", "20000", "--seed", "7", "--out", Path.Combine(dir, "data"));
        Assert.True(sim.Exit == 0, sim.Error);

        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(dir, "data", "nodes.csv"), "--edges", Path.Combine(dir, "data", "edges.csv"),
            "--permutations", "200", "--seed", "3", "--backend", "cpu", "--out", Path.Combine(dir, "report"));
        Assert.True(run.Exit == 0, run.Error);

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report", "report.json")));
        JsonElement root = report.RootElement;
        Assert.Equal(20000, root.GetProperty("units").GetInt64());
        Assert.Equal(200, root.GetProperty("permutations").GetInt64());
        Assert.Equal("cpu", root.GetProperty("backend").GetString());

        // The truth lies inside the reported intervals (simulated: +0.0024 direct, +0.0010 / +0.0001 per friend).
        foreach (string name in new[] { "both_vs_neither", "both_vs_neither_adjusted", "post_stratified" })
        {
            JsonElement effect = root.GetProperty("direct").GetProperty(name);
            Assert.InRange(0.0024, effect.GetProperty("ci_low").GetDouble(), effect.GetProperty("ci_high").GetDouble());
        }
        foreach (var (name, truth) in new[] { ("banner", 0.0010), ("feed", 0.0001) })
        {
            JsonElement s = root.GetProperty("spillover").GetProperty(name);
            double estimate = s.GetProperty("estimate").GetDouble(), se = s.GetProperty("se").GetDouble();
            Assert.InRange(truth, estimate - 3 * se, estimate + 3 * se);
            Assert.InRange(s.GetProperty("p_two_sided").GetDouble(), 1.0 / 201, 1.0);
            Assert.True(s.GetProperty("null_q005").GetDouble() < s.GetProperty("null_q995").GetDouble());
        }
        Assert.True(root.GetProperty("totals").GetProperty("multiplier").ValueKind == JsonValueKind.Number);
        Assert.Equal(201, File.ReadAllLines(Path.Combine(dir, "report", "null.csv")).Length);
        Assert.True(File.Exists(Path.Combine(dir, "report", "null_banner.svg")));
        Assert.True(File.Exists(Path.Combine(dir, "report", "report.md")));
        Assert.True(File.Exists(Path.Combine(dir, "report", "report.html")));
    }

    [Fact]
    public void TheSameSeedGivesTheSameNullWhateverTheThreadsAndBatches()
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "3000", "--out", dir).Exit);
        string Null(string outDir, params string[] extra)
        {
            var run = CliRunner.Run(["analyze", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"),
                "--permutations", "100", "--backend", "cpu", "--out", outDir, .. extra]);
            Assert.True(run.Exit == 0, run.Error);
            return File.ReadAllText(Path.Combine(outDir, "null.csv"));
        }
        string reference = Null(Path.Combine(dir, "a"), "--threads", "1");
        Assert.Equal(reference, Null(Path.Combine(dir, "b"), "--threads", "2", "--batch-size", "7"));
    }

    [Fact]
    public void PackedDataGivesTheSameReport()
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "6000", "--out", dir).Exit);
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv"), pack = Path.Combine(dir, "data.gipack");
        Assert.Equal(0, CliRunner.Run("pack", "--nodes", nodes, "--edges", edges, "--out", pack).Exit);
        Assert.Equal(0, CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--permutations", "50", "--backend", "cpu", "--out", Path.Combine(dir, "csv")).Exit);
        Assert.Equal(0, CliRunner.Run("analyze", "--pack", pack, "--permutations", "50", "--backend", "cpu", "--out", Path.Combine(dir, "packed")).Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "csv", "null.csv")), File.ReadAllText(Path.Combine(dir, "packed", "null.csv")));
    }

    [Fact]
    public void RegressFitsAnyCsv()
    {
        string dir = CliRunner.TempFolder();
        string data = Path.Combine(dir, "line.csv");
        File.WriteAllLines(data, ["x,y,g", "1,3.1,a", "2,4.9,a", "3,7.2,b", "4,8.8,b", "5,11.1,a"]);
        var run = CliRunner.Run("regress", "--data", data, "--y", "y", "--x", "x", "--se", "HC1");
        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("1.99", run.Out, StringComparison.Ordinal); // slope = 1.99 exactly by hand: Sxy/Sxx = 19.9/10
        Assert.Contains("HC1 standard errors", run.Out, StringComparison.Ordinal);
    }
}
