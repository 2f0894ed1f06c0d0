using System.Text.Json;
using GpuInference.Estimation;
using GpuInference.Tests.Cli;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// <c>regress --se CRx:COL --out DIR</c> on the clustered reference data: regress.json's keys and values against R,
/// and the command line's usage errors.
/// </summary>
public sealed class RegressClusteredCliTests
{
    private static string Data => ClusterReferenceData.DatasetPath;

    private static JsonElement Regress(string outDir, params string[] options)
    {
        var run = CliRunner.Run(["regress", "--data", Data, "--y", "y", "--x", "x1,x2", .. options, "--out", outDir]);
        Assert.True(run.Exit == 0, run.Error);
        string path = Path.Combine(outDir, "regress.json");
        Assert.True(File.Exists(path));
        Assert.Equal(["regress.json"], Directory.GetFiles(outDir).Select(Path.GetFileName)); // no temporary left behind
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private static void CoefficientsMatchR(JsonElement json, string prefix, string[] terms)
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        JsonElement[] coefficients = json.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(terms, coefficients.Select(c => c.GetProperty("term").GetString()));
        foreach (JsonElement c in coefficients)
        {
            Assert.Equal(["term", "estimate", "se", "ci_low", "ci_high", "p", "df"], c.EnumerateObject().Select(p => p.Name));
            string key = $"{prefix}.{c.GetProperty("term").GetString()}";
            ReferenceAssert.Close(r[key + ".estimate"], c.GetProperty("estimate").GetDouble(), key + " estimate");
            ReferenceAssert.Close(r[key + ".se"], c.GetProperty("se").GetDouble(), key + " se");
            ReferenceAssert.Close(r[key + ".ci_low"], c.GetProperty("ci_low").GetDouble(), key + " ci_low", 1e-9);
            ReferenceAssert.Close(r[key + ".ci_high"], c.GetProperty("ci_high").GetDouble(), key + " ci_high", 1e-9);
            ReferenceAssert.Close(r[key + ".p"], c.GetProperty("p").GetDouble(), key + " p", 1e-9);
            ReferenceAssert.Close(r[key + ".df"], c.GetProperty("df").GetDouble(), key + " df");
        }
    }

    [Fact]
    public void Cr1WithoutFixedEffectsWritesInterceptFirst()
    {
        JsonElement json = Regress(CliRunner.TempFolder(), "--se", "CR1:village");
        CoefficientsMatchR(json, "plain.CR1", ["(Intercept)", "x1", "x2"]);
        Assert.Equal(209, json.GetProperty("n").GetInt32());
        Assert.Equal(11, json.GetProperty("df").GetDouble());
        Assert.Equal(206, json.GetProperty("df_residual").GetInt32());
        Assert.Equal("CR1:village", json.GetProperty("covariance").GetString());
        Assert.Equal(12, json.GetProperty("clusters").GetInt32());
        Assert.Equal(0, json.GetProperty("fixed_effects").GetArrayLength());
        JsonElement rule = json.GetProperty("small_sample");
        Assert.Equal("nested", rule.GetProperty("fixef_K").GetString());
        Assert.Equal(3, rule.GetProperty("K").GetInt32());
    }

    [Fact]
    public void Cr2WithFixedEffectsAndTextClusters()
    {
        // Sessions are text labels ("v03s2") nested in the village fixed effects.
        JsonElement json = Regress(CliRunner.TempFolder(), "--fe", "village", "--se", "CR2:session");
        CoefficientsMatchR(json, "cl_in_fe.CR2", ["x1", "x2"]);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("df").ValueKind); // Bell–McCaffrey df differ by coefficient
        Assert.Equal("CR2:session", json.GetProperty("covariance").GetString());
        Assert.Equal(36, json.GetProperty("clusters").GetInt32());
        Assert.Equal(["village"], json.GetProperty("fixed_effects").EnumerateArray().Select(e => e.GetString()));
        Assert.False(json.TryGetProperty("small_sample", out _));
    }

    [Fact]
    public void Cr1WithFixedEffectsNestedInClustersCountsThemAsOne()
    {
        JsonElement json = Regress(CliRunner.TempFolder(), "--fe", "session", "--se", "CR1:village");
        CoefficientsMatchR(json, "fe_in_cl.CR1", ["x1", "x2"]);
        Assert.Equal(3, json.GetProperty("small_sample").GetProperty("K").GetInt32());
    }

    [Fact]
    public void Cr0AndUnclusteredFits()
    {
        CoefficientsMatchR(Regress(CliRunner.TempFolder(), "--se", "cr0:village"), "plain.CR0", ["(Intercept)", "x1", "x2"]);
        JsonElement json = Regress(CliRunner.TempFolder(), "--se", "HC2");
        Assert.Equal("HC2", json.GetProperty("covariance").GetString());
        Assert.Equal(206, json.GetProperty("df").GetDouble());
        Assert.False(json.TryGetProperty("clusters", out _));
        Assert.Equal(
            ["outcome", "n", "df", "df_residual", "r_squared", "covariance", "fixed_effects", "coefficients"],
            json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void RewritingReplacesTheFile()
    {
        string folder = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(folder, "regress.json"), "stale");
        JsonElement json = Regress(folder, "--se", "CR2:village");
        CoefficientsMatchR(json, "plain.CR2", ["(Intercept)", "x1", "x2"]);
    }

    [Theory]
    [InlineData("CR1:nosuch", "no column 'nosuch'")]
    [InlineData("CR2", "CR2:COLUMN")]
    [InlineData("CR1:", "CR1:COLUMN")]
    [InlineData("HC2:village", "takes no cluster column")]
    [InlineData("CR3:village", "unknown covariance 'CR3'")]
    public void BadSeIsAUsageErrorNamingTheOption(string value, string message)
    {
        string folder = CliRunner.TempFolder();
        var run = CliRunner.Run("regress", "--data", Data, "--y", "y", "--x", "x1,x2", "--se", value, "--out", folder);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"--se {value}", run.Error, StringComparison.Ordinal);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Theory]
    [InlineData("")]
    [InlineData("NA")]
    public void MissingClusterValueIsBadInputNamingTheLine(string missing)
    {
        string folder = CliRunner.TempFolder();
        string csv = Path.Combine(folder, "data.csv");
        File.WriteAllText(csv, $"y,x,village\n1.0,0.5,a\n2.0,1.5,{missing}\n2.5,1.0,b\n3.0,2.0,b\n");
        var run = CliRunner.Run("regress", "--data", csv, "--y", "y", "--x", "x", "--se", "CR1:village");
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{csv}:3:3: column 'village': missing value", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TerminalTableSaysHowTheCovarianceWasClustered()
    {
        var run = CliRunner.Run("regress", "--data", Data, "--y", "y", "--x", "x1,x2", "--fe", "session", "--se", "CR1:village");
        Assert.True(run.Exit == 0, run.Error);
        string flat = string.Join(" ", run.Out.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Contains("CR1:village standard errors (12 clusters; t on 11 df)", flat, StringComparison.Ordinal);
        Assert.Contains("K = 3", flat, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzeRefusesClusteredTypes()
    {
        // analyze's direct effects have no cluster variable: CR1 is a usage error there, before any data is read.
        string folder = CliRunner.TempFolder();
        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(folder, "none.csv"), "--edges", Path.Combine(folder, "none.csv"),
            "--out", folder, "--se", "CR1", "--backend", "cpu");
        Assert.Equal(2, run.Exit);
        Assert.Contains("--se CR1", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecificationRoundTrips()
    {
        Assert.True(CovarianceSpecification.TryParse("cr2:Village", out CovarianceSpecification? spec, out _));
        Assert.Equal(new CovarianceSpecification(CovarianceType.CR2, "Village"), spec);
        Assert.Equal("CR2:Village", spec.ToString());
        Assert.False(CovarianceSpecification.TryParse("3", out _, out string? problem));
        Assert.Contains("unknown covariance", problem, StringComparison.Ordinal);
    }
}
