namespace GpuInference.Tests.Cli;

/// <summary>Each kind of bad input: one line naming file, line and column; a non-zero exit; no report files.</summary>
public class BadInputTests
{
    private const string GoodEdges = "src,dst\n1,2\n2,3\n3,4\n4,1\n";

    /// <summary>48 people, every cell in every vote2010 level with varied turnout: enough for every direct-effect model.</summary>
    private static readonly string GoodNodes = "id,voted,banner,feed,vote2010\n" + string.Concat(Enumerable.Range(1, 48).Select(i =>
        $"{i},{(i * 7 % 5 < 3 ? 1 : 0)},{(i % 4 is 0 or 1 ? 1 : 0)},{(i % 4 is 0 or 2 ? 1 : 0)},{new[] { "voted", "abstained", "unknown" }[i / 4 % 3]}\n"));

    private static (int Exit, string Error, string OutDir) Analyze(string nodes, string edges)
    {
        string dir = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), nodes);
        File.WriteAllText(Path.Combine(dir, "edges.csv"), edges);
        string outDir = Path.Combine(dir, "report");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "report.json"), "{ \"stale\": true }"); // from an earlier run: must not survive
        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"),
            "--permutations", "10", "--backend", "cpu", "--out", outDir);
        return (run.Exit, run.Error, outDir);
    }

    [Theory]
    [InlineData("id,voted,banner,vote2010\n1,1,1,voted\n", GoodEdges, "nodes.csv:1:1:", "feed")]
    [InlineData("id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,yes,0,0,voted\n", GoodEdges, "nodes.csv:3:2:", "yes")]
    [InlineData("id,voted,banner,feed,vote2010\n1,1,2,1,voted\n", GoodEdges, "nodes.csv:2:3:", "2")]
    [InlineData("id,voted,banner,feed,vote2010\n1,1,1,1,voted\n1,0,0,0,voted\n", GoodEdges, "nodes.csv:3:1:", "1")]
    [InlineData(null, "src,dst\n1,2\n2,99\n", "edges.csv:3:2:", "99")]
    [InlineData(null, "src,dst\n1,2\n2\n", "edges.csv:3:", "")]
    public void BadInputFailsWithOneLineNamingTheSpot(string? nodes, string edges, string where, string mentions)
    {
        var (exit, error, outDir) = Analyze(nodes ?? GoodNodes, edges);

        Assert.Equal(3, exit);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gpuinference: error: ", line, StringComparison.Ordinal);
        Assert.Contains(where, line, StringComparison.Ordinal);
        Assert.Contains(mentions, line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "report.json")), "a failed run must leave no report");
    }

    [Fact]
    public void ADesignWithNoVariationIsADegenerateDesignError()
    {
        // Nobody has a close friend: the exposures cannot vary within strata.
        var (exit, error, outDir) = Analyze(GoodNodes, "src,dst\n");
        Assert.Equal(4, exit);
        Assert.Contains("degenerate design", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "report.json")));
    }

    [Fact]
    public void TooFewPeopleForTheDirectEffectsIsADegenerateDesignError()
    {
        string nodes = "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,0,abstained\n3,1,1,0,unknown\n4,0,0,1,voted\n";
        var (exit, error, outDir) = Analyze(nodes, GoodEdges);
        Assert.Equal(4, exit);
        Assert.Contains("observations cannot estimate", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "report.json")));
    }

    [Fact]
    public void AnEmptyCellIsADegenerateDesignError()
    {
        string nodes = GoodNodes.Replace(",0,0,", ",1,1,", StringComparison.Ordinal); // nobody left in "neither"
        var (exit, error, _) = Analyze(nodes, GoodEdges);
        Assert.Equal(4, exit);
        Assert.Contains("neither", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBackendIsRefusedByName()
    {
        string dir = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), GoodNodes);
        File.WriteAllText(Path.Combine(dir, "edges.csv"), GoodEdges);
        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"), "--backend", "quantum", "--out", Path.Combine(dir, "r"));
        Assert.Equal(5, run.Exit);
        Assert.Contains("unknown backend 'quantum'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsBadInput()
    {
        var run = CliRunner.Run("analyze", "--nodes", "/nonexistent/nodes.csv", "--edges", "/nonexistent/edges.csv", "--out", CliRunner.TempFolder());
        Assert.Equal(3, run.Exit);
        Assert.Contains("/nonexistent/nodes.csv", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRequiredOptionsAreUsageErrors()
    {
        var run = CliRunner.Run("analyze", "--nodes", "x.csv");
        Assert.Equal(2, run.Exit);
    }
}
