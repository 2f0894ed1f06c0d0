using System.Text.Json;

namespace GpuInference.Tests.Cli;

/// <summary><c>gpuinference test</c> through the command line: the README's village example, its report, and bad input.</summary>
public sealed class TestCommandTests
{
    private static readonly Lazy<string> Villages = new(() =>
    {
        string dir = CliRunner.TempFolder();
        var sim = CliRunner.Run("simulate", "--kind", "villages", "--n", "3000", "--seed", "7", "--out", dir);
        Assert.True(sim.Exit == 0, sim.Error);
        return dir;
    });

    private static string Nodes => Path.Combine(Villages.Value, "nodes.csv");

    private static string Edges => Path.Combine(Villages.Value, "edges.csv");

    private static (int Exit, string Out, string Error) Test(string outDir, params string[] extra) =>
        CliRunner.Run(["test", "--nodes", Nodes, "--edges", Edges, "--model", "takeup ~ share(intensive) + intensive + age + male | village",
            "--permute", "intensive", "--within", "village", "--clusters", "session", "--unknown-edges", "drop", "--permutations", "99", "--out", outDir, .. extra]);

    [Fact]
    public void VillageExperimentReportsCoefficientClusteredSeAndRandomizationP()
    {
        string outDir = Path.Combine(CliRunner.TempFolder(), "report");
        var run = Test(outDir, "--se", "CR2:session", "--statistic", "t", "--seed", "3");
        Assert.True(run.Exit == 0, run.Error);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        JsonElement root = report.RootElement;
        foreach (string key in new[] { "units", "rows_dropped", "edges", "permutations", "seed", "backend", "design", "model", "coefficients" })
            Assert.True(root.TryGetProperty(key, out _), $"report.json lacks '{key}'");
        Assert.Equal(99, root.GetProperty("permutations").GetInt32());
        Assert.Equal(3000 - root.GetProperty("units").GetInt32(), root.GetProperty("rows_dropped").GetInt32());
        Assert.Equal("CR2:session", root.GetProperty("covariance").GetString());
        Assert.StartsWith("clusters within blocks permutation", root.GetProperty("design").GetString());
        JsonElement[] coefficients = [.. root.GetProperty("coefficients").EnumerateArray()];
        Assert.Equal(["share(intensive)", "intensive", "age", "male"], coefficients.Select(c => c.GetProperty("term").GetString()));
        foreach (JsonElement c in coefficients)
        {
            foreach (string key in new[] { "estimate", "se", "ci_low", "ci_high", "p" }) Assert.Equal(JsonValueKind.Number, c.GetProperty(key).ValueKind);
        }
        JsonElement share = coefficients[0].GetProperty("randomization");
        foreach (string key in new[] { "p_two_sided", "p_greater", "p_less", "null_q005", "null_q025", "null_q975", "null_q995", "p_two_sided_ci" })
            Assert.True(share.TryGetProperty(key, out _), $"randomization lacks '{key}'");
        Assert.InRange(share.GetProperty("p_two_sided").GetDouble(), 0.01, 0.011); // 1/100: the simulated spillover is strong
        Assert.False(coefficients[2].TryGetProperty("randomization", out _)); // age does not move
        string[] nullCsv = File.ReadAllLines(Path.Combine(outDir, "null.csv"));
        Assert.Equal("permutation,share(intensive),intensive,wald", nullCsv[0]);
        Assert.Equal(100, nullCsv.Length);
        foreach (string file in new[] { "report.md", "report.html", "null_share_intensive_.svg", "null_intensive.svg", "null_wald.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("were dropped (--unknown-edges drop)", StringComparison.Ordinal));
        Assert.True(root.GetProperty("wald").GetProperty("studentized").GetBoolean()); // --statistic t: V in every permutation
    }

    /// <summary>
    /// The default statistic's joint Wald weights the coefficients by the observed covariance, and says so; when that
    /// covariance is singular (two clusters, three tested terms) the statistic is undefined, with a note, and the
    /// terms are still tested one by one.
    /// </summary>
    [Fact]
    public void TheCoefficientsWaldSaysItsWeightsAndWhenItIsUndefined()
    {
        string dir = CliRunner.TempFolder();
        var run = Test(Path.Combine(dir, "r"), "--se", "CR2:session");
        Assert.True(run.Exit == 0, run.Error);
        using (JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "r", "report.json"))))
        {
            JsonElement wald = report.RootElement.GetProperty("wald");
            Assert.False(wald.GetProperty("studentized").GetBoolean());
            Assert.Equal(JsonValueKind.Number, wald.GetProperty("observed").ValueKind);
            Assert.Contains(report.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString() ==
                "the joint Wald statistic weights every permutation's coefficients by the inverse of the observed fit's CR2:session covariance, the same weights throughout (--statistic t recomputes the covariance in every permutation)");
        }

        var singular = CliRunner.Run(["test", "--nodes", Nodes, "--edges", Edges, "--model", "takeup ~ share(intensive) + count(intensive) + intensive + age | village",
            "--permute", "intensive", "--within", "village", "--clusters", "session", "--unknown-edges", "drop", "--permutations", "19", "--se", "CR1:male", "--out", Path.Combine(dir, "s")]);
        Assert.True(singular.Exit == 0, singular.Error);
        using JsonDocument undefined = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "s", "report.json")));
        Assert.Equal(JsonValueKind.Null, undefined.RootElement.GetProperty("wald").GetProperty("observed").ValueKind);
        Assert.Equal(19, undefined.RootElement.GetProperty("wald").GetProperty("nan_count").GetInt32());
        Assert.Contains(undefined.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("the joint Wald statistic is undefined: the tested terms' CR1:male covariance is singular", StringComparison.Ordinal));
        JsonElement[] coefficients = [.. undefined.RootElement.GetProperty("coefficients").EnumerateArray()];
        Assert.Equal(JsonValueKind.Number, coefficients[0].GetProperty("randomization").GetProperty("p_two_sided").ValueKind);
    }

    [Fact]
    public void TheSameSeedGivesTheSameNullWhateverTheThreads()
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, Test(Path.Combine(dir, "a"), "--threads", "1", "--seed", "11").Exit);
        Assert.Equal(0, Test(Path.Combine(dir, "b"), "--threads", "2", "--seed", "11").Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "a", "null.csv")), File.ReadAllText(Path.Combine(dir, "b", "null.csv")));
        Assert.Equal(0, Test(Path.Combine(dir, "c"), "--threads", "2", "--seed", "12").Exit);
        Assert.NotEqual(File.ReadAllText(Path.Combine(dir, "a", "null.csv")), File.ReadAllText(Path.Combine(dir, "c", "null.csv")));
    }

    [Fact]
    public void AnUnknownTermNamesTheClosestColumn()
    {
        string outDir = Path.Combine(CliRunner.TempFolder(), "r");
        var run = CliRunner.Run("test", "--nodes", Nodes, "--edges", Edges, "--model", "takeup ~ share(intensve) + age", "--permute", "intensive", "--out", outDir);
        Assert.Equal(2, run.Exit);
        Assert.Contains("unknown column 'intensve' in term share(intensve); did you mean 'intensive'?", run.Error, StringComparison.Ordinal);
        Assert.Contains("takeup ~ share(intensve) + age\n", run.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void AFormulaSyntaxErrorIsAUsageErrorBeforeAnyWork()
    {
        string outDir = Path.Combine(CliRunner.TempFolder(), "r");
        var run = CliRunner.Run("test", "--nodes", "missing.csv", "--edges", "missing.csv", "--model", "takeup ~ share(intensive + age", "--permute", "intensive", "--out", outDir);
        Assert.Equal(2, run.Exit);
        Assert.StartsWith("gpuinference: error: formula: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("^", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ATreatmentThatVariesWithinAClusterNamesTheClusterAndTwoRows()
    {
        string dir = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), "id,village,session,t,y\n1,a,s1,1,0.5\n2,a,s1,1,0.1\n3,a,s2,0,0.7\n4,a,s2,1,0.2\n5,b,s3,0,0.3\n6,b,s3,0,0.9\n");
        File.WriteAllText(Path.Combine(dir, "edges.csv"), "src,dst\n1,2\n2,3\n3,4\n4,5\n5,6\n6,1\n");
        var run = CliRunner.Run("test", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"), "--model", "y ~ count(t) + t",
            "--permute", "t", "--clusters", "session", "--out", Path.Combine(dir, "r"));
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{Path.Combine(dir, "nodes.csv")}:5:3: cluster 's2': the permuted columns vary within the cluster (line 4: t=0; line 5: t=1), but --clusters moves whole clusters", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "r")));
    }

    [Fact]
    public void APermutationFileWithTheWrongRowsIsRefused()
    {
        string dir = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), "id,t,y\n1,1,0.5\n2,0,0.1\n3,0,0.7\n4,1,0.2\n");
        File.WriteAllText(Path.Combine(dir, "edges.csv"), "src,dst\n1,2\n2,3\n3,4\n4,1\n");
        File.WriteAllText(Path.Combine(dir, "perms.csv"), "p1,p2\n0,1\n1,0\n1,1\n");
        var run = CliRunner.Run("test", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"), "--model", "y ~ count(t) + t",
            "--permute", "t", "--design", $"file:{Path.Combine(dir, "perms.csv")}", "--out", Path.Combine(dir, "r"));
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{Path.Combine(dir, "perms.csv")}: 3 rows of assignments, expected 4 (one per unit, in unit order)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void APermutationFileGivesItsOwnAssignments()
    {
        string dir = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), "id,t,y\n1,1,0.5\n2,0,0.1\n3,0,0.7\n4,1,0.2\n5,0,0.4\n");
        File.WriteAllText(Path.Combine(dir, "edges.csv"), "src,dst\n1,2\n2,3\n3,4\n4,5\n5,1\n1,3\n");
        File.WriteAllText(Path.Combine(dir, "perms.csv"), "p1,p2,p3\n0,1,1\n1,0,1\n1,1,0\n0,0,0\n0,0,0\n");
        var run = CliRunner.Run("test", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"), "--model", "y ~ t",
            "--permute", "t", "--design", $"file:{Path.Combine(dir, "perms.csv")}", "--permutations", "1000", "--se", "HC0", "--out", Path.Combine(dir, "r"));
        Assert.True(run.Exit == 0, run.Error);
        string[] lines = File.ReadAllLines(Path.Combine(dir, "r", "null.csv"));
        Assert.Equal(4, lines.Length); // the file's three permutations, not 1,000
        // y ~ t by hand for p1 (t = 0,1,1,0,0): mean of y where t=1 minus where t=0 = (0.1+0.7)/2 - (0.5+0.2+0.4)/3.
        Assert.Equal((0.1 + 0.7) / 2 - (0.5 + 0.2 + 0.4) / 3, double.Parse(lines[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), 12);
    }

    [Fact]
    public void WhereRestrictsTheUnits()
    {
        string outDir = Path.Combine(CliRunner.TempFolder(), "r");
        var run = Test(outDir, "--where", "delay=0");
        Assert.True(run.Exit == 0, run.Error);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        int units = report.RootElement.GetProperty("units").GetInt32();
        int delayZero = File.ReadLines(Nodes).Skip(1).Count(l => l.EndsWith(",0", StringComparison.Ordinal) && l.Split(',')[4].Length > 0);
        Assert.True(units <= delayZero && units > delayZero - 50, $"{units} units, {delayZero} rows with delay 0 and an outcome");
    }

    [Fact]
    public void AnUnknownEngineIsAUsageError()
    {
        var run = Test(Path.Combine(CliRunner.TempFolder(), "r"), "--engine", "fast");
        Assert.Equal(2, run.Exit);
        Assert.Contains("--engine: 'fast' is not auto or general", run.Error);
    }
}
