using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Graph.CloseFriends;
using GpuInference.Simulation;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Graph.CloseFriends;

public sealed class CloseFriendFinderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (CloseFriendSummary Summary, HashSet<(string, string)> Edges) Run(
        string input, double percentile = 90, long memory = CloseFriendOptions.DefaultMemoryBytes, string output = "edges.csv", int threads = 0)
    {
        string path = _files.PathOf(output);
        var summary = CloseFriendFinder.Run(input, path, new CloseFriendOptions { Percentile = percentile, MemoryBytes = memory, Threads = threads });
        return (summary, CloseFriendOracle.ReadEdges(path));
    }

    private static void AssertMatches(CloseFriendOracle.Result expected, CloseFriendSummary summary, HashSet<(string, string)> edges)
    {
        Assert.Equal(expected.People, summary.People);
        Assert.Equal(expected.Pairs, summary.Pairs);
        Assert.Equal(expected.SelfRows, summary.SelfActionRows);
        Assert.Equal(expected.SelfActions, summary.SelfActions);
        Assert.Equal(expected.ZeroRows, summary.ZeroCountRows);
        Assert.Equal(expected.Actions, summary.Actions);
        if (expected.CutOff is { } cut)
        {
            Assert.NotNull(summary.CutOff);
            Assert.Equal(cut.Count * summary.CutOff.Value.Total, cut.Total * summary.CutOff.Value.Count);
        }
        else
        {
            Assert.Null(summary.CutOff);
        }
        Assert.Equal(expected.AtCutOff, summary.PairsAtCutOff);
        Assert.Equal(expected.Edges.Count, summary.CloseFriendEdges);
        Assert.Equal(expected.Edges.OrderBy(e => e), edges.OrderBy(e => e));
        Assert.Equal(expected.Edges.Select(e => e.Src).Distinct().Count(), summary.PeopleWithCloseFriends);
    }

    [Fact]
    public void HandWorkedExample()
    {
        // a: 3 to b, 1 to c (3/4, 1/4); 5 to itself and 0 to d are dropped. e: 1/4, 1/4, 2/4. f: all to a (1).
        // d received from e but never acted: not a person; a gave d nothing: not a pair.
        string path = _files.Write("log.csv", "src,dst,count\na,b,2\na,c,1\na,a,5\na,d,0\ne,b,1\ne,c,1\ne,d,2\nf,a,1\na,b,1\n");
        var (summary, edges) = Run(path, percentile: 60);
        Assert.Equal(9, summary.InputRows);
        Assert.Equal(1, summary.ZeroCountRows);
        Assert.Equal(1, summary.SelfActionRows);
        Assert.Equal(5, summary.SelfActions);
        Assert.Equal(9, summary.Actions);
        Assert.Equal(3, summary.People);
        Assert.Equal(6, summary.Pairs);
        // Shares sorted: 1/4 1/4 1/4 1/2 3/4 1; k = ceil(0.6 * 6) = 4, so the cut-off is 1/2.
        Assert.Equal(4, summary.CutOffRank);
        Assert.Equal(new Share(1, 2), summary.CutOff!.Value.Reduced());
        Assert.Equal(1, summary.PairsAtCutOff);
        Assert.Equal([("a", "b"), ("e", "d"), ("f", "a")], edges.OrderBy(e => e));
        Assert.Equal(1.0, summary.MeanCloseFriendsPerPerson);

        (summary, edges) = Run(path, percentile: 90); // k = ceil(5.4) = 6: only the share of 1
        Assert.Equal([("f", "a")], edges);
        (summary, edges) = Run(path, percentile: 50); // k = 3: 1/4, tied three times, all in
        Assert.Equal(6, edges.Count);
        Assert.Equal(3, summary.PairsAtCutOff);
        (_, edges) = Run(path, percentile: 0);
        Assert.Equal(6, edges.Count);
        (_, edges) = Run(path, percentile: 100);
        Assert.Equal([("f", "a")], edges);
    }

    [Fact]
    public void TiesAtTheCutOffAreAllIncluded()
    {
        string path = _files.Write("log.csv", "src,dst,count\n1,2,4\n1,3,4\n2,1,7\n2,3,7\n3,1,1\n3,2,1\n");
        var (summary, edges) = Run(path);
        Assert.Equal(6, summary.Pairs);
        Assert.Equal(6, summary.CutOffRank);
        Assert.Equal(6, summary.PairsAtCutOff);
        Assert.Equal(6, edges.Count);
    }

    [Fact]
    public void NoPairsGivesAHeaderOnlyFile()
    {
        string path = _files.Write("log.csv", "src,dst,count\n1,1,3\n2,3,0\n");
        var (summary, edges) = Run(path);
        Assert.Equal(0, summary.Pairs);
        Assert.Null(summary.CutOff);
        Assert.Empty(edges);
        Assert.Equal("src,dst\n", File.ReadAllText(_files.PathOf("edges.csv")));
    }

    [Fact]
    public void IdsAreTextTrimmedAndQuotedOnTheWayOut()
    {
        // " 7" is 7, "007" is another person, "x,y" needs quotes; the edges read back into analyze's reader.
        var rows = new[] { (" 7", "007", "3"), ("7", "x,y", "1"), ("007", "7 ", "2"), ("x,y", "é", "1"), ("x,y", "7", "1") };
        string path = _files.Write("log.csv", CloseFriendOracle.ToCsv(rows));
        var (summary, edges) = Run(path, percentile: 0);
        Assert.Equal(3, summary.People);
        Assert.Equal(5, summary.Pairs);
        Assert.Contains(("7", "007"), edges);
        Assert.Contains(("7", "x,y"), edges);
        var ids = NodeIdIndex.FromStrings(["7", "007", "x,y", "é"]);
        Assert.Equal(5, EdgeListReader.Read(_files.PathOf("edges.csv"), ids).EdgeCount);
    }

    [Fact]
    public void GzipIsFoundByContentAndGzipIsWrittenForGz()
    {
        var rows = new[] { ("1", "2", "1"), ("1", "3", "5"), ("2", "1", "1") };
        string path = _files.WriteGzip("log.csv", CloseFriendOracle.ToCsv(rows));
        var (summary, edges) = Run(path, percentile: 50, output: "edges.csv.gz");
        Assert.Equal(3, summary.Pairs);
        Assert.Equal([("1", "3"), ("2", "1")], edges.OrderBy(e => e));
        byte[] head = File.ReadAllBytes(_files.PathOf("edges.csv.gz"))[..2];
        Assert.Equal([0x1F, 0x8B], head);
    }

    [Fact]
    public void SharesThatShareADoubleAreStillOrderedExactly()
    {
        // 1 - 1/10^15 and 1 - 1/(10^15 - 1) differ by ~1e-30: one double, two shares. At P = 100 only the larger counts.
        var a = new Share(999_999_999_999_999, 1_000_000_000_000_000);
        var b = new Share(999_999_999_999_998, 999_999_999_999_999);
        Assert.Equal(a.Value, b.Value);
        Assert.True(b.CompareTo(a) < 0);
        string path = _files.Write("log.csv", "src,dst,count\nA,x,999999999999999\nA,y,1\nB,x,999999999999998\nB,y,1\n");
        var (summary, edges) = Run(path, percentile: 100);
        Assert.Equal([("A", "x")], edges);
        Assert.Equal(1, summary.PairsAtCutOff);
        (_, edges) = Run(path, percentile: 75); // k = 3: B→x, then A→x above it
        Assert.Equal([("A", "x"), ("B", "x")], edges.OrderBy(e => e));
    }

    [Fact]
    public void RandomSmallInputsMatchTheDirectComputation()
    {
        string[] people = ["0", "1", "2", "3", " 3", "007", "7", "p", "q r", "é", "x,y", "12345678901"];
        string[] counts = ["0", "1", "1", "1", "2", "3", " 4 ", "10", "1000000007"];
        decimal[] percentiles = [0, 10, 37.5m, 50, 90, 99, 100];
        for (int seed = 0; seed < 150; seed++)
        {
            var random = new System.Random(seed);
            int n = random.Next(0, 80);
            int span = random.Next(2, people.Length + 1);
            var rows = new List<(string, string, string)>();
            for (int i = 0; i < n; i++)
                rows.Add((people[random.Next(span)], people[random.Next(span)], counts[random.Next(counts.Length)]));
            decimal percentile = percentiles[random.Next(percentiles.Length)];
            string path = _files.Write($"log{seed}.csv", CloseFriendOracle.ToCsv(rows));
            var expected = CloseFriendOracle.Compute(rows, percentile);
            long memory = seed % 2 == 0 ? CloseFriendOptions.DefaultMemoryBytes : CloseFriendOptions.MinimumMemoryBytes;
            var (summary, edges) = Run(path, (double)percentile, memory, $"edges{seed}.csv");
            try
            {
                AssertMatches(expected, summary, edges);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, percentile {percentile}: {e.Message}");
            }
        }
    }

    [Fact]
    public void ABudgetFarBelowTheDataGivesTheSameEdges()
    {
        string path = _files.PathOf("log.csv");
        InteractionLogSimulator.Write(path, new InteractionLogOptions { Rows = 200_000, Seed = 7 });
        var (bounded, boundedEdges) = Run(path, memory: CloseFriendOptions.MinimumMemoryBytes, output: "bounded.csv", threads: 1);
        var (threaded, threadedEdges) = Run(path, memory: CloseFriendOptions.MinimumMemoryBytes, output: "threaded.csv", threads: 3);
        var (unbounded, unboundedEdges) = Run(path, output: "unbounded.csv", threads: 1);
        Assert.True(bounded.Partitions > 4, $"only {bounded.Partitions} partitions");
        Assert.Equal(1, unbounded.Partitions);
        Assert.Equal(unboundedEdges, boundedEdges);
        Assert.Equal(unboundedEdges, threadedEdges);
        Assert.Equal(unbounded with { Partitions = 0, SpilledBytes = 0, SelectionPasses = 0 }, bounded with { Partitions = 0, SpilledBytes = 0, SelectionPasses = 0 });
        Assert.Equal(unbounded with { Partitions = 0, SpilledBytes = 0, SelectionPasses = 0 }, threaded with { Partitions = 0, SpilledBytes = 0, SelectionPasses = 0 });
        // The same options give the same file, byte for byte, whichever thread finished first.
        Run(path, memory: CloseFriendOptions.MinimumMemoryBytes, output: "threaded-again.csv", threads: 3);
        Assert.Equal(File.ReadAllBytes(_files.PathOf("threaded.csv")), File.ReadAllBytes(_files.PathOf("threaded-again.csv")));

        var rows = File.ReadLines(path).Skip(1).Select(line => line.Split(',')).Select(f => (f[0], f[1], f[2]));
        AssertMatches(CloseFriendOracle.Compute(rows, 90), bounded, boundedEdges);
    }

    [Fact]
    public void APersonWithMoreRowsThanTheBudgetIsFoldedIntoPairs()
    {
        // 300,000 rows among 10 people: each person's rows exceed a 1 MiB budget, their 9 pairs do not.
        var random = new System.Random(3);
        var rows = new List<(string, string, string)>();
        for (int i = 0; i < 300_000; i++) rows.Add((random.Next(10).ToString(), random.Next(10).ToString(), random.Next(0, 4).ToString()));
        string path = _files.Write("log.csv", CloseFriendOracle.ToCsv(rows));
        var (summary, edges) = Run(path, memory: CloseFriendOptions.MinimumMemoryBytes);
        AssertMatches(CloseFriendOracle.Compute(rows, 90), summary, edges);
    }

    [Fact]
    public void APersonWhosePairsExceedTheBudgetIsAnErrorNamingThem()
    {
        var rows = Enumerable.Range(0, 40_000).Select(i => ("hub", $"f{i}", "1")).Append(("other", "hub", "1"));
        string path = _files.Write("log.csv", CloseFriendOracle.ToCsv(rows));
        var error = Assert.Throws<DataFormatException>(() => Run(path, memory: CloseFriendOptions.MinimumMemoryBytes, threads: 2));
        Assert.Contains("'hub'", error.Message);
        Assert.Contains("raise --memory", error.Message);
        Assert.False(File.Exists(_files.PathOf("edges.csv")));
    }

    [Theory]
    [InlineData("src,dst,count\n1,2,1\n1,3,-2\n", 3, 3, "negative count")]
    [InlineData("src,dst,count\n1,2,1.5\n", 2, 3, "not a whole number")]
    [InlineData("src,dst,count\n1,2,x\n", 2, 3, "not a whole number")]
    [InlineData("src,dst,count\n1,2,99999999999999999999\n", 2, 3, "not a whole number")]
    [InlineData("src,dst,count\n1,2,\n", 2, 3, "not a whole number")]
    [InlineData("src,dst,count\n1,,1\n", 2, 2, "empty id")]
    [InlineData("src,dst,count\n1,2,1\n1,2\n", 3, 3, "expected 3 fields")]
    [InlineData("src,dst,n\n1,2,1\n", 1, 1, "missing column 'count'")]
    [InlineData("src,dst,count,src\n1,2,1,1\n", 1, 4, "is given twice")]
    [InlineData("", 1, 1, "empty file")]
    public void BadRowsAreErrorsAtFileLineColumnAndLeaveNoOutput(string content, int line, int column, string problem)
    {
        string output = _files.Write("edges.csv", "earlier,file\n");
        string path = _files.Write("log.csv", content);
        var error = Assert.Throws<DataFormatException>(() => CloseFriendFinder.Run(path, output, new CloseFriendOptions()));
        Assert.StartsWith($"{path}:{line}:{column}: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal("earlier,file\n", File.ReadAllText(output));
        Assert.Equal(["edges.csv", "log.csv"], Directory.GetFileSystemEntries(_files.Root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void LeftoversOfKilledRunsAreRemovedAndThoseOfLiveOnesKept()
    {
        string dead = _files.PathOf(".close-friends-999999999-0123");
        string deadPartial = _files.PathOf(".edges.csv.partial-999999999-0123");
        string live = _files.PathOf($".close-friends-{Environment.ProcessId}-4567");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, "rows-0.bin"), "x");
        File.WriteAllText(deadPartial, "src,dst\n");
        Directory.CreateDirectory(live);
        string path = _files.Write("log.csv", "src,dst,count\n1,2,1\n");
        Run(path);
        Assert.False(Directory.Exists(dead));
        Assert.False(File.Exists(deadPartial));
        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public void AnOutputThatCannotBeWrittenIsReportedBeforeAnyWork()
    {
        string path = _files.Write("log.csv", "src,dst,count\n1,2,1\n");
        string blocked = _files.Write("file", "not a folder");
        var error = Assert.Throws<ArgumentException>(() => CloseFriendFinder.Run(path, Path.Combine(blocked, "edges.csv"), new CloseFriendOptions()));
        Assert.Contains("--out", error.Message);
    }

    [Fact]
    public void InvalidUtf8InAnIdIsAnError()
    {
        string path = _files.PathOf("log.csv");
        File.WriteAllBytes(path, [.. "src,dst,count\nn5"u8, 0xE9, .. ",n6,1\n"u8]);
        var error = Assert.Throws<DataFormatException>(() => Run(path));
        Assert.StartsWith($"{path}:2:1: ", error.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    [Theory]
    [InlineData(10, 90, 9)]
    [InlineData(11, 90, 10)]
    [InlineData(1, 90, 1)]
    [InlineData(7, 0, 1)]
    [InlineData(7, 100, 7)]
    [InlineData(1_000_000_007, 90, 900_000_007)]
    [InlineData(3, 33.3, 1)]
    public void NearestRank(long pairs, double percentile, long rank) => Assert.Equal(rank, CloseFriendFinder.Rank(percentile, pairs));

    [Theory]
    [InlineData("256M", 256L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("64kb", 64L << 10)]
    [InlineData("1000", 1000L)]
    public void MemorySizes(string text, long bytes)
    {
        Assert.True(MemorySize.TryParse(text, out long parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("2X")]
    public void MemorySizesThatAreNot(string text) => Assert.False(MemorySize.TryParse(text, out _));

    [Fact]
    public void ReducedSharesHaveOneSpelling()
    {
        Assert.Equal(new Share(1, 2), new Share(3, 6).Reduced());
        Assert.Equal(new Share(7, 7).Reduced(), new Share(1, 1));
        Assert.Equal(0, new Share(2, 4).CompareTo(new Share(1, 2)));
    }
}
