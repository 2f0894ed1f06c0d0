using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Tests.Cli;
using static GpuInference.Tests.Data.ParquetTestFiles;

namespace GpuInference.Tests.Data;

/// <summary>Parquet input, detected by content: the same analysis as from CSV, and errors that name the file, the column, the row group and the row.</summary>
public sealed class ParquetInputTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void AnalyzeGivesByteIdenticalNullFromParquetAndCsv()
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "6000", "--seed", "5", "--out", dir).Exit);
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv");
        // No .parquet suffix on one of them: the content decides.
        string nodesParquet = FromCsv(nodes, Path.Combine(dir, "nodes.parquet"), rowGroupRows: 1000);
        string edgesParquet = FromCsv(edges, Path.Combine(dir, "edges.data"), rowGroupRows: 4096);
        string[] common = ["--permutations", "60", "--seed", "9", "--backend", "cpu"];
        var fromCsv = CliRunner.Run(["analyze", "--nodes", nodes, "--edges", edges, "--out", Path.Combine(dir, "csv"), .. common]);
        Assert.True(fromCsv.Exit == 0, fromCsv.Error);
        var fromParquet = CliRunner.Run(["analyze", "--nodes", nodesParquet, "--edges", edgesParquet, "--out", Path.Combine(dir, "parquet"), .. common]);
        Assert.True(fromParquet.Exit == 0, fromParquet.Error);
        byte[] expected = File.ReadAllBytes(Path.Combine(dir, "csv", "null.csv"));
        Assert.Equal(61, File.ReadAllLines(Path.Combine(dir, "csv", "null.csv")).Length);
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(dir, "parquet", "null.csv")));
        Assert.Equal(Tables(Path.Combine(dir, "csv", "report.md")), Tables(Path.Combine(dir, "parquet", "report.md")));
    }

    [Fact]
    public void TestGivesTheSameReportFromParquetAndCsv()
    {
        string dir = CliRunner.TempFolder();
        var sim = CliRunner.Run("simulate", "--kind", "villages", "--n", "1500", "--seed", "7", "--out", dir);
        Assert.True(sim.Exit == 0, sim.Error);
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv");
        string nodesParquet = FromCsv(nodes, Path.Combine(dir, "nodes.parquet"), rowGroupRows: 400);
        string edgesParquet = FromCsv(edges, Path.Combine(dir, "edges.parquet"), rowGroupRows: 1000);
        string[] common = ["--model", "takeup ~ share(intensive) + intensive + age + male | village", "--permute", "intensive",
            "--within", "village", "--clusters", "session", "--unknown-edges", "drop", "--permutations", "49", "--seed", "3"];
        var fromCsv = CliRunner.Run(["test", "--nodes", nodes, "--edges", edges, "--out", Path.Combine(dir, "csv"), .. common]);
        Assert.True(fromCsv.Exit == 0, fromCsv.Error);
        var fromParquet = CliRunner.Run(["test", "--nodes", nodesParquet, "--edges", edgesParquet, "--out", Path.Combine(dir, "parquet"), .. common]);
        Assert.True(fromParquet.Exit == 0, fromParquet.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "csv", "null.csv")), File.ReadAllBytes(Path.Combine(dir, "parquet", "null.csv")));
        Assert.Equal(Tables(Path.Combine(dir, "csv", "report.md")), Tables(Path.Combine(dir, "parquet", "report.md")));
    }

    [Fact]
    public void StringIdsAndRenamedColumnsReadAsFromCsv()
    {
        string csv = _files.Write("nodes.csv", "who,y,b,f,past\nann,1,1,1,voted\nbob,,0,1,abstained\ncid,0.25,1,0,unknown\n");
        string parquet = Write(_files.PathOf("nodes.pq"), 2,
            new Column("who", new[] { "ann", "bob", "cid" }), new Column("y", new double?[] { 1, null, 0.25 }),
            new Column("b", new bool?[] { true, false, true }), new Column("f", new long?[] { 1, 1, 0 }),
            new Column("past", new[] { "voted", "abstained", "unknown" }));
        var options = new NodeTableOptions { IdColumn = "who", OutcomeColumn = "y", BannerColumn = "b", FeedColumn = "f", Vote2010Column = "past" };
        NodeTable a = NodeTableReader.Read(csv, options), b = NodeTableReader.Read(parquet, options);
        Assert.Equal(a.Cells, b.Cells);
        Assert.Equal(a.Outcome, b.Outcome);
        Assert.Equal(a.Vote2010, b.Vote2010);
        Assert.Equal(a.Vote2010Levels, b.Vote2010Levels);
        Assert.False(b.Ids!.IsInteger);
        Assert.True(b.Ids.TryGetNode("cid", out int node));
        Assert.Equal(2, node);

        string edges = Write(_files.PathOf("edges.parquet"), 2, new Column("from", new[] { "ann", "bob", "cid" }), new Column("to", new[] { "bob", "cid", "ann" }));
        CsrGraph graph = EdgeListReader.Read(edges, b.Ids, new EdgeListOptions { SourceColumn = "from", TargetColumn = "to" });
        Assert.Equal(3, graph.EdgeCount);
    }

    [Fact]
    public void NumbersStoredAsNumbersReadAsTheirCsvTwin()
    {
        // Stored numbers are taken as numbers, not written out and parsed back: the table must not differ by a bit.
        double?[] voted = [1, null, 0.25, -0.0, 1e-300, 0.1 + 0.2, 3, 123456789.123456789];
        string csv = _files.Write("nodes.csv", "id,voted,banner,feed,vote2010,logged_in\n" + string.Concat(voted.Select((y, i) =>
            $"{i * 5 - 7},{(y is double v ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "")},{i % 2},{i / 4},{(i % 3 == 0 ? "voted" : "unknown")},{1 - i % 2}\n")));
        string parquet = Write(_files.PathOf("nodes.parquet"), 3,
            new Column("id", voted.Select((_, i) => (long)(i * 5 - 7)).ToArray()), new Column("voted", voted),
            new Column("banner", voted.Select((_, i) => i % 2).ToArray()), new Column("feed", voted.Select((_, i) => (bool?)(i / 4 == 1)).ToArray()),
            new Column("vote2010", voted.Select((_, i) => i % 3 == 0 ? "voted" : "unknown").ToArray()),
            new Column("logged_in", voted.Select((_, i) => (long?)(1 - i % 2)).ToArray()));
        NodeTable a = NodeTableReader.Read(csv), b = NodeTableReader.Read(parquet);
        Assert.Equal(a.Cells, b.Cells);
        Assert.Equal(a.Outcome.Select(BitConverter.DoubleToInt64Bits), b.Outcome.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(a.Vote2010, b.Vote2010);
        Assert.Equal(a.LoggedIn!, b.LoggedIn!);
        Assert.Equal(a.Ids!.IntegerIds!, b.Ids!.IntegerIds!);
    }

    [Theory]
    [InlineData("voted", double.NaN, "voted is not a number: 'NaN'")]
    [InlineData("voted", double.PositiveInfinity, "voted is not a number: 'Infinity'")]
    [InlineData("voted", 1e300, "voted '1E+300' is larger in magnitude than 1e12 (a unit or parsing mistake?)")]
    [InlineData("banner", 2.0, "banner must be 0 or 1, found '2'")]
    [InlineData("banner", -1.0, "banner must be 0 or 1, found '-1'")]
    public void AStoredNumberThatIsWrongIsTheErrorItsTextGives(string column, double bad, string problem)
    {
        double?[] voted = [1, 0, 1];
        long[] banner = [1, 0, 1];
        if (column == "voted") voted[1] = bad;
        else banner[1] = (long)bad;
        string parquet = Write(_files.PathOf("nodes.parquet"), 2,
            new Column("id", new long[] { 1, 2, 3 }), new Column("voted", voted), new Column("banner", banner),
            new Column("feed", new long[] { 0, 0, 1 }), new Column("vote2010", new[] { "voted", "voted", "unknown" }));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(parquet));
        Assert.Equal($"{parquet}: column '{column}', row group 0, row 1: {problem}", e.Message);
    }

    [Theory]
    [InlineData("vote2010", 4, "vote2010 is blank")]
    [InlineData("id", 3, "id is empty")]
    public void ANullTextCellIsBlankAtItsRow(string column, int nullRow, string problem)
    {
        // Text is read packed, nulls marked apart: each row must still get its own value, and a null none.
        string?[] ids = ["a", "b", "c", "d", "e", "f", "g"];
        string?[] votes = ["voted", "unknown", "voted", "abstained", "voted", "unknown", "voted"];
        (column == "id" ? ids : votes)[nullRow] = null;
        string parquet = Write(_files.PathOf("nodes.parquet"), 3,
            new Column("id", ids), new Column("voted", new long?[] { 1, 0, 1, 0, 1, 0, 1 }), new Column("banner", new long?[] { 1, 0, 1, 1, 1, 1, 1 }),
            new Column("feed", new long?[] { 1, 1, 1, 0, 0, 1, 1 }), new Column("vote2010", votes));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(parquet));
        Assert.Equal($"{parquet}: column '{column}', row group {nullRow / 3}, row {nullRow % 3}: {problem}", e.Message);
    }

    [Fact]
    public void TextWithNullsElsewhereReadsAsItsCsvTwin()
    {
        // A null in a column the reader does not use (here "note") leaves the others in place.
        string csv = _files.Write("nodes.csv", "id,voted,banner,feed,vote2010,note\na,1,1,1,voted,x\nb,0,0,1,abstained,\nc,1,1,0,unknown,\nd,,1,1,voted,y\n");
        string parquet = Write(_files.PathOf("nodes.parquet"), 3,
            new Column("id", new[] { "a", "b", "c", "d" }), new Column("voted", new double?[] { 1, 0, 1, null }),
            new Column("banner", new long?[] { 1, 0, 1, 1 }), new Column("feed", new long?[] { 1, 1, 0, 1 }),
            new Column("vote2010", new[] { "voted", "abstained", "unknown", "voted" }), new Column("note", new[] { "x", null, null, "y" }));
        NodeTable a = NodeTableReader.Read(csv), b = NodeTableReader.Read(parquet);
        Assert.Equal(a.Outcome, b.Outcome);
        Assert.Equal(a.Vote2010, b.Vote2010);
        Assert.Equal(a.Vote2010Levels, b.Vote2010Levels);
        Assert.Equal(["a", "b", "c", "d"], Enumerable.Range(0, 4).Select(b.Ids!.GetId));
    }

    [Fact]
    public void AReplacementCharacterInTextIsTakenForBytesThatWereNotUtf8()
    {
        string parquet = Write(_files.PathOf("nodes.parquet"), 2,
            new Column("id", new[] { "n1", "n2", "n5\uFFFD" }), new Column("voted", new long?[] { 1, 0, 1 }), new Column("banner", new long?[] { 1, 0, 1 }),
            new Column("feed", new long?[] { 1, 1, 1 }), new Column("vote2010", new[] { "voted", "voted", "voted" }));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(parquet));
        Assert.StartsWith($"{parquet}: column 'id', row group 1, row 0: text that is not valid UTF-8", e.Message);
    }

    [Fact]
    public void AnUnknownIdNamesTheColumnRowGroupAndRow()
    {
        var ids = NodeTableReader.Read(_files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,1,voted\n3,0,1,0,voted\n")).Ids!;
        string edges = Write(_files.PathOf("edges.parquet"), 2,
            new Column("src", new long?[] { 1, 2, 3, 1, 2 }), new Column("dst", new long?[] { 2, 3, 1, 3, 99 }));
        var e = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(edges, ids));
        Assert.Equal($"{edges}: column 'dst', row group 2, row 0: unknown node id '99' (not in the nodes file)", e.Message);
    }

    [Theory]
    [InlineData("int64", false)]
    [InlineData("int64", true)]
    [InlineData("int32", false)]
    [InlineData("nullable int64", true)]
    public void IntegerIdColumnsGiveTheGraphOfTheirCsvTwin(string type, bool dropUnknown)
    {
        // Integer id columns are looked up as numbers, without the text the CSV twin goes through.
        var random = new System.Random(7);
        string nodes = _files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"{i * 3 - 20},1,1,1,voted\n")));
        var ids = NodeTableReader.Read(nodes).Ids!;
        int rows = 500;
        // Mostly known ids (multiples of 3 from -20), some unknown ones when those are dropped.
        long[] src = [.. Enumerable.Range(0, rows).Select(_ => (long)(random.Next(60) * 3 - 20) + (dropUnknown && random.Next(10) == 0 ? 1 : 0))];
        long[] dst = [.. Enumerable.Range(0, rows).Select(_ => (long)(random.Next(60) * 3 - 20))];
        string csv = _files.Write("edges.csv", "src,dst\n" + string.Concat(src.Zip(dst, (s, d) => $"{s},{d}\n")));
        Column Of(string name, long[] values) => type switch
        {
            "int64" => new Column(name, values),
            "int32" => new Column(name, values.Select(v => (int)v).ToArray()),
            _ => new Column(name, values.Select(v => (long?)v).ToArray()),
        };
        string parquet = Write(_files.PathOf("edges.parquet"), 37, Of("src", src), Of("dst", dst));
        var options = new EdgeListOptions { DropUnknownIds = dropUnknown };
        var expected = EdgeListReader.ReadRecords(csv, ids, options);
        var actual = EdgeListReader.Read(parquet, ids, options);
        Assert.Equal(expected.RowOffsets, actual.RowOffsets);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.SelfLoopsDropped, actual.SelfLoopsDropped);
        Assert.Equal(expected.DuplicatesDropped, actual.DuplicatesDropped);
        Assert.Equal(expected.UnknownDropped, actual.UnknownDropped);
        Assert.Equal(dropUnknown, actual.UnknownDropped > 0);
        // The row groups on every core, not the sequential fallback, gave that graph.
        Assert.True(IntegerParquetEdges.TryRead(parquet, "src", "dst", ids, dropUnknown, out _, out _, out int count, out long unknown));
        Assert.Equal(rows - expected.UnknownDropped, count);
        Assert.Equal(expected.UnknownDropped, unknown);
    }

    [Fact]
    public void ANullIdIsAnUnknownIdAtItsRowOrADroppedEdge()
    {
        var ids = NodeTableReader.Read(_files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,1,voted\n3,0,1,0,voted\n")).Ids!;
        string edges = Write(_files.PathOf("edges.parquet"), 2,
            new Column("src", new long?[] { 1, 2, 3, null, 2 }), new Column("dst", new long?[] { 2, 3, 1, 3, 1 }));
        var e = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(edges, ids));
        Assert.Equal($"{edges}: column 'src', row group 1, row 1: unknown node id '' (not in the nodes file)", e.Message);
        var graph = EdgeListReader.Read(edges, ids, new EdgeListOptions { DropUnknownIds = true });
        Assert.Equal(1, graph.UnknownDropped);
        Assert.Equal([0L, 1, 3, 4], graph.RowOffsets);
        Assert.Equal([1, 0, 2, 0], graph.Columns);
    }

    [Fact]
    public void ABadValueNamesTheColumnRowGroupAndRow()
    {
        string nodes = Write(_files.PathOf("nodes.parquet"), 3,
            new Column("id", new long?[] { 1, 2, 3, 4, 5 }), new Column("voted", new double?[] { 1, 0, 1, 0, 1 }),
            new Column("banner", new long?[] { 1, 0, 1, 1, 2 }), new Column("feed", new long?[] { 1, 1, 1, 1, 1 }),
            new Column("vote2010", new[] { "voted", "voted", "voted", "voted", "voted" }));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(nodes));
        Assert.Equal($"{nodes}: column 'banner', row group 1, row 1: banner must be 0 or 1, found '2'", e.Message);
    }

    [Fact]
    public void ARepeatedIdNamesBothRows()
    {
        string nodes = Write(_files.PathOf("nodes.parquet"), 2,
            new Column("id", new[] { "a", "b", "c", "a" }), new Column("voted", new long?[] { 1, 0, 1, 0 }),
            new Column("banner", new long?[] { 1, 0, 1, 1 }), new Column("feed", new long?[] { 1, 1, 1, 1 }),
            new Column("vote2010", new[] { "voted", "voted", "voted", "voted" }));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(nodes));
        Assert.Equal($"{nodes}: column 'id', row group 1, row 1: duplicate node id 'a' (first at row group 0, row 0)", e.Message);
    }

    [Fact]
    public void BytesThatAreNotUtf8AreAnErrorNeverReplaced()
    {
        // n5\xe9 and n5\xe8 (Latin-1) would both become "n5\uFFFD", one node, if they were replaced.
        string nodes = Write(_files.PathOf("nodes.parquet"), 10,
            new Column("id", new[] { "n4"u8.ToArray(), [(byte)'n', (byte)'5', 0xE9], [(byte)'n', (byte)'5', 0xE8] }),
            new Column("voted", new long?[] { 1, 0, 1 }), new Column("banner", new long?[] { 1, 0, 1 }),
            new Column("feed", new long?[] { 1, 1, 1 }), new Column("vote2010", new[] { "voted", "voted", "voted" }));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(nodes));
        Assert.StartsWith($"{nodes}: column 'id', row group 0, row 1: text that is not valid UTF-8", e.Message);
    }

    [Fact]
    public void TextWhereANumberIsNeededIsAWrongTypeError()
    {
        string nodes = Write(_files.PathOf("nodes.parquet"), 2,
            new Column("id", new long?[] { 1, 2 }), new Column("voted", new[] { "1", "0" }),
            new Column("banner", new long?[] { 1, 0 }), new Column("feed", new long?[] { 1, 1 }), new Column("vote2010", new[] { "voted", "voted" }));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(nodes));
        Assert.Equal($"{nodes}: column 'voted', row group 0: a number is needed, but the column holds text", e.Message);
    }

    [Fact]
    public void FloatingPointIdsAndCountsAreWrongTypeErrors()
    {
        var ids = NodeTableReader.Read(_files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,1,voted\n")).Ids!;
        string edges = Write(_files.PathOf("edges.parquet"), 10, new Column("src", new long?[] { 1 }), new Column("dst", new double?[] { 2 }));
        var e = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(edges, ids));
        Assert.Equal($"{edges}: column 'dst', row group 0: ids must be integers or text, but the column holds floating-point numbers", e.Message);

        string log = Write(_files.PathOf("interactions.parquet"), 10,
            new Column("src", new long?[] { 1 }), new Column("dst", new long?[] { 2 }), new Column("count", new double?[] { 3 }));
        var run = CliRunner.Run("close-friends", "--interactions", log, "--out", _files.PathOf("friends.csv"));
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{log}: column 'count', row group 0: whole numbers are needed, but the column holds floating-point numbers", run.Error);
    }

    [Fact]
    public void AMissingColumnNamesTheFileAndTheColumnsItHas()
    {
        var ids = NodeTableReader.Read(_files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,1,voted\n")).Ids!;
        string edges = Write(_files.PathOf("edges.parquet"), 10, new Column("src", new long?[] { 1 }), new Column("weight", new double?[] { 0.5 }));
        var e = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(edges, ids));
        Assert.Equal($"{edges}: missing column 'dst' (the file has: src, weight)", e.Message);
    }

    [Fact]
    public void ACutParquetFileIsAnErrorNamingIt()
    {
        var ids = NodeTableReader.Read(_files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,1,voted\n")).Ids!;
        string whole = Write(_files.PathOf("edges.parquet"), 1, new Column("src", new long?[] { 1, 2, 1 }), new Column("dst", new long?[] { 2, 1, 1 }));
        Assert.Equal(2, EdgeListReader.Read(whole, ids).EdgeCount);
        byte[] bytes = File.ReadAllBytes(whole);
        foreach (int keep in new[] { bytes.Length - 1, bytes.Length / 2, 8 })
        {
            string cut = _files.PathOf($"cut-{keep}.parquet");
            File.WriteAllBytes(cut, bytes[..keep]);
            var e = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(cut, ids));
            Assert.StartsWith($"{cut}: Parquet file is cut short", e.Message);
        }
        // Through the command line: bad input, exit 3, no report.
        string nodes = _files.Write("nodes2.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n2,0,0,1,voted\n");
        string cutFile = _files.PathOf($"cut-{bytes.Length / 2}.parquet");
        string outDir = _files.PathOf("report");
        var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", cutFile, "--permutations", "10", "--backend", "cpu", "--out", outDir);
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{cutFile}: Parquet file is cut short or damaged", run.Error);
        Assert.False(File.Exists(Path.Combine(outDir, "null.csv")));
    }

    [Fact]
    public void ADamagedRowGroupIsAnErrorNamingTheFileAndTheRowGroup()
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "3000", "--seed", "5", "--out", dir).Exit);
        var ids = NodeTableReader.Read(Path.Combine(dir, "nodes.csv")).Ids!;
        string edges = FromCsv(Path.Combine(dir, "edges.csv"), Path.Combine(dir, "edges.parquet"), rowGroupRows: 4096);
        byte[] bytes = File.ReadAllBytes(edges);
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++) bytes[i] ^= 0x5A; // inside a compressed page
        string damaged = Path.Combine(dir, "damaged.parquet");
        File.WriteAllBytes(damaged, bytes);
        var e = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(damaged, ids));
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(damaged)}: column '(src|dst)', row group [0-9]+ cannot be read \\(damaged file\\?\\): ", e.Message);
    }

    [Fact]
    public void CloseFriendsReadsAParquetLogAsItsCsvTwin()
    {
        string csv = _files.Write("log.csv", "src,dst,count\n1,2,5\n1,3,1\n2,1,4\n2,3,4\n3,1,2\n3,3,9\n1,2,0\n");
        string parquet = FromCsv(csv, _files.PathOf("log.parquet"), rowGroupRows: 3);
        var a = CliRunner.Run("close-friends", "--interactions", csv, "--out", _files.PathOf("a.csv"));
        Assert.True(a.Exit == 0, a.Error);
        var b = CliRunner.Run("close-friends", "--interactions", parquet, "--out", _files.PathOf("b.csv"));
        Assert.True(b.Exit == 0, b.Error);
        Assert.Equal(File.ReadAllBytes(_files.PathOf("a.csv")), File.ReadAllBytes(_files.PathOf("b.csv")));
    }

    /// <summary>The report's lines without those that name the input files or time or date the run.</summary>
    private static string[] Tables(string reportMd) =>
        [.. File.ReadAllLines(reportMd).Where(l => !l.Contains("nodes", StringComparison.Ordinal) && !l.Contains("edges", StringComparison.Ordinal)
            && !l.StartsWith("| Time", StringComparison.Ordinal) && !l.StartsWith("| Started", StringComparison.Ordinal)
            && !l.StartsWith("| Finished", StringComparison.Ordinal) && !l.Contains("seconds", StringComparison.OrdinalIgnoreCase))];
}
