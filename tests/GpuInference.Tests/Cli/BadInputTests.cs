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
    [InlineData("id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,0,\n", GoodEdges, "nodes.csv:3:5:", "vote2010 is blank")]
    [InlineData("id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,0,abstaned\n", GoodEdges, "nodes.csv:3:5:", "'abstaned' is not one of the levels voted, abstained, unknown")]
    [InlineData("id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,1e80,0,0,voted\n", GoodEdges, "nodes.csv:3:2:", "'1e80'")]
    [InlineData("id,voted,banner,feed,vote2010,id\n1,1,1,1,voted,2\n", GoodEdges, "nodes.csv:1:6:", "column name 'id' is given twice (columns 1 and 6)")]
    [InlineData(null, "src,dst,weight\n1,2,1\n2,3,-1\n", "edges.csv:3:3:", "weight is negative: '-1'")]
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

    private static string Analyzed(string nodes, string edges, out string outDir, params string[] extra)
    {
        string dir = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), nodes);
        File.WriteAllText(Path.Combine(dir, "edges.csv"), edges);
        outDir = Path.Combine(dir, "report");
        var run = CliRunner.Run(["analyze", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"),
            "--permutations", "10", "--backend", "cpu", "--out", outDir, .. extra]);
        Assert.True(run.Exit == 0, run.Error);
        return dir;
    }

    [Theory]
    [InlineData(300)]
    [InlineData(8)]
    public void ATruncatedGzipEdgesFileIsBadInputNamingIt(int cut)
    {
        string dir = CliRunner.TempFolder();
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv.gz");
        File.WriteAllText(nodes, GoodNodes);
        using (var memory = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.Optimal))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes("src,dst\n" + string.Concat(Enumerable.Range(1, 3000).Select(i => $"{i % 48 + 1},{i * 7 % 48 + 1}\n"))));
            }
            File.WriteAllBytes(edges, memory.ToArray()[..^cut]);
        }
        string outDir = Path.Combine(dir, "report");
        var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--permutations", "10", "--backend", "cpu", "--out", outDir);
        Assert.Equal(3, run.Exit);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"gpuinference: error: {edges}: ", line, StringComparison.Ordinal);
        Assert.Contains("gzip", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void InvalidUtf8InAnIdIsBadInputNamingTheSpot()
    {
        string dir = CliRunner.TempFolder();
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv");
        File.WriteAllText(nodes, GoodNodes);
        File.WriteAllBytes(edges, [.. "src,dst\n1,2\n2,"u8, 0xE9, (byte)'\n']);
        var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--permutations", "10", "--backend", "cpu", "--out", Path.Combine(dir, "report"));
        Assert.Equal(3, run.Exit);
        Assert.Equal($"gpuinference: error: {edges}:3:2: not valid UTF-8: byte 0xE9 at byte 1 of the field (save the file as UTF-8)\n", run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void IdsWithSpacesMatchAcrossFiles()
    {
        string nodes = GoodNodes.Replace("\n1,", "\n 1 ,", StringComparison.Ordinal);
        string dir = Analyzed(nodes, "src,dst\n1 ,2\n 2,3\n3,4\n4,1\n", out string outDir);
        Assert.Contains("\"edges\": 4,", File.ReadAllText(Path.Combine(outDir, "report.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInestimableLateIsReportedWithItsReasonAndTheRestStands()
    {
        // Everyone logged out: the LATE has no compliers, but the direct and spillover effects do not need it.
        string nodes = GoodNodes.Replace("vote2010\n", "vote2010,logged_in\n", StringComparison.Ordinal)
            .Replace("voted\n", "voted,0\n", StringComparison.Ordinal).Replace("abstained\n", "abstained,0\n", StringComparison.Ordinal)
            .Replace("unknown\n", "unknown,0\n", StringComparison.Ordinal);
        Analyzed(nodes, GoodEdges, out string outDir);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        var direct = json.RootElement.GetProperty("direct");
        Assert.False(direct.GetProperty("late").GetProperty("estimable").GetBoolean());
        Assert.Equal("no assigned unit received the treatment, so the Wald ratio is undefined", direct.GetProperty("late").GetProperty("not_estimable_reason").GetString());
        Assert.True(direct.GetProperty("post_stratified").GetProperty("estimate").ValueKind == System.Text.Json.JsonValueKind.Number);
        Assert.Equal(2, json.RootElement.GetProperty("spillover").EnumerateObject().Count());
        Assert.Contains("Not estimable: no assigned unit received the treatment, so the Wald ratio is undefined.", File.ReadAllText(Path.Combine(outDir, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void TheNotesSayWhatTheAnalysisDidOnItsOwn()
    {
        Analyzed(GoodNodes, "src,dst,weight\n1,2,0.5\n2,3,1\n3,4,2\n4,1,1\n", out string outDir);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        string[] notes = json.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToArray();
        Assert.Equal(3, notes.Length);
        Assert.StartsWith("44 units have no close friend. They are kept in the spillover regression, in the strata of 0 close friends", notes[0], StringComparison.Ordinal);
        Assert.StartsWith("1 stratum holds a single unit.", notes[1], StringComparison.Ordinal);
        Assert.Contains("counted in the degrees of freedom", notes[1], StringComparison.Ordinal);
        Assert.StartsWith("The edges file has a weight column. It was read and checked (finite, not negative) but not used", notes[2], StringComparison.Ordinal);
        string markdown = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("## Notes\n\n- 44 units have no close friend.", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void LeftoversOfAKilledRunAreCleanedUp()
    {
        string dir = CliRunner.TempFolder();
        string outDir = Path.Combine(dir, "report");
        Directory.CreateDirectory(Path.Combine(outDir, ".partial-4242"));
        File.WriteAllText(Path.Combine(outDir, ".partial-4242", "report.json"), "{}");
        File.WriteAllText(Path.Combine(outDir, "report.md"), "a lone report.md");
        Directory.CreateDirectory(Path.Combine(dir, "report.tmp-2147483646-00c0ffee"));
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), GoodNodes);
        File.WriteAllText(Path.Combine(dir, "edges.csv"), GoodEdges);
        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(dir, "nodes.csv"), "--edges", Path.Combine(dir, "edges.csv"),
            "--permutations", "10", "--backend", "cpu", "--out", outDir);
        Assert.True(run.Exit == 0, run.Error);
        Assert.Equal(["edges.csv", "nodes.csv", "report"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["null.csv", "null_banner.svg", "null_feed.svg", "report.html", "report.json", "report.md"],
            Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.NotEqual("a lone report.md", File.ReadAllText(Path.Combine(outDir, "report.md")));
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
    public void APersonAloneInTheirLevelIsNamedWithFileAndLine()
    {
        // Person 49 is treated and the only one whose 2010 turnout is 'moved': their dummy fits them exactly.
        string dir = CliRunner.TempFolder();
        string nodes = Path.Combine(dir, "nodes.csv");
        File.WriteAllText(nodes, GoodNodes + "49,1,1,1,moved\n");
        File.WriteAllText(Path.Combine(dir, "edges.csv"), GoodEdges);
        var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", Path.Combine(dir, "edges.csv"), "--vote2010-levels", "any",
            "--permutations", "10", "--backend", "cpu", "--out", Path.Combine(dir, "report"));
        Assert.Equal(4, run.Exit);
        Assert.Equal($"gpuinference: error: degenerate design: {nodes}:50: person '49' has leverage 1 in the both-vs-neither adjusted model: " +
            "they are the only analysis unit in it with vote2010 'moved', so HC2 standard errors are undefined\n", run.Error.ReplaceLineEndings("\n"));
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
        Assert.Equal(2, run.Exit);
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
