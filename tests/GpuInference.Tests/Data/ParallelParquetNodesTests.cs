using GpuInference.Data;
using static GpuInference.Tests.Data.ParquetTestFiles;

namespace GpuInference.Tests.Data;

/// <summary>
/// A Parquet nodes file read a row group at a time on every core gives the table, and the errors, of reading it from
/// start to end: the same values, levels in the same order, the same ids, the same first error.
/// </summary>
public sealed class ParallelParquetNodesTests : IDisposable
{
    private const int Rows = 5000;
    private const int RowGroupRows = 300; // 17 row groups, the last one short
    private readonly TestFiles _files = new();

    // Any vote2010 text, so that levels can first appear late and be many; the paper's levels are tested once below.
    private static readonly NodeTableOptions AnyLevels = new() { Vote2010Levels = null };

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void RowGroupsReadOnEveryCoreGiveTheTableOfOneReaderFromStartToEnd(bool dictionaryText, bool bannerAsBooleans)
    {
        // Integer columns are taken whole; a boolean column sends each row group through the rows one by one.
        var data = new NodeData { BannerAsIntegers = !bannerAsBooleans };
        string path = data.Write(_files.PathOf("nodes.parquet"), dictionaryText);
        Assert.Contains(dictionaryText ? "PLAIN_DICTIONARY" : "PLAIN", Encodings(path)["vote2010"]);

        NodeTable parallel = ReadRowGroupsInParallel(path);
        AssertSame(ReadFromStartToEnd(path), parallel);
        AssertSame(parallel, NodeTableReader.Read(path, AnyLevels));

        // And the values themselves: nulls as NaN, the 2×2 cells, levels in order of first appearance over the file
        // ("moved" first appears in a late row group).
        Assert.Equal(Rows, parallel.Count);
        Assert.Equal(data.Voted.Select(v => v ?? double.NaN), parallel.Outcome);
        Assert.Equal(data.Banner.Zip(data.Feed, (b, f) => (TreatmentCell)((b == true ? 1 : 0) | (int)f! * 2)), parallel.Cells);
        Assert.Equal(["voted", "abstained", "unknown", "moved"], parallel.Vote2010Levels);
        Assert.Equal(data.Vote2010.Select(v => v!), parallel.Vote2010.Select(code => parallel.Vote2010Levels[code]));
        Assert.Equal(data.LoggedIn.Select(l => (byte)l), parallel.LoggedIn!);
        Assert.True(parallel.Ids!.IsInteger);
        Assert.Equal(data.Ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Enumerable.Range(0, Rows).Select(parallel.Ids.GetId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATextIdInOneRowGroupMakesEveryIdTextAsOneReaderDoes(bool dictionaryText)
    {
        var data = new NodeData();
        // Integers spelled as text, but for one id in row group 5: from there on one reader keeps ids as text, and
        // the ids before it are turned to text too.
        string[] ids = [.. data.Ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        ids[5 * RowGroupRows + 7] = "x" + ids[5 * RowGroupRows + 7];
        string path = data.Write(_files.PathOf("nodes.parquet"), dictionaryText, ids);

        NodeTable parallel = ReadRowGroupsInParallel(path);
        AssertSame(ReadFromStartToEnd(path), parallel);
        Assert.False(parallel.Ids!.IsInteger);
        Assert.Equal(ids, Enumerable.Range(0, Rows).Select(parallel.Ids.GetId));
        Assert.True(parallel.Ids.TryGetNode("x" + data.Ids[5 * RowGroupRows + 7].ToString(System.Globalization.CultureInfo.InvariantCulture), out int node));
        Assert.Equal(5 * RowGroupRows + 7, node);

        // Text ids that are all integers stay integers, as from one reader.
        string[] plain = [.. data.Ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        string integerText = data.Write(_files.PathOf("integer-text.parquet"), dictionaryText, plain);
        NodeTable fromText = ReadRowGroupsInParallel(integerText);
        AssertSame(ReadFromStartToEnd(integerText), fromText);
        Assert.True(fromText.Ids!.IsInteger);
    }

    [Theory]
    [InlineData("banner in row group 9", "column 'banner', row group 9, row 4: banner must be 0 or 1, found '2'")]
    [InlineData("the first of two bad rows", "column 'vote2010', row group 3, row 12: vote2010 is blank")]
    [InlineData("an outcome too large", "column 'voted', row group 16, row 199: voted '1E+300' is larger in magnitude than 1e12 (a unit or parsing mistake?)")]
    [InlineData("a repeated id", "column 'id', row group 12, row 0: duplicate node id '4712' (first at row group 2, row 5)")]
    [InlineData("a null id", "column 'id', row group 6, row 30: id is empty")]
    [InlineData("a level not of the paper's", "column 'vote2010', row group 13, row 105: vote2010 'moved' is not one of the levels voted, abstained, unknown")]
    [InlineData("257 levels over all row groups", "column 'vote2010', row group 12, row 4: vote2010 has more than 256 distinct values")]
    public void ABadValueInAnyRowGroupIsTheErrorOfOneReaderFromStartToEnd(string bad, string problem)
    {
        var data = new NodeData();
        var options = bad == "a level not of the paper's" ? new NodeTableOptions() : AnyLevels;
        switch (bad)
        {
            case "banner in row group 9":
                data.BannerValue[9 * RowGroupRows + 4] = 2;
                break;
            case "the first of two bad rows":
                data.Vote2010[3 * RowGroupRows + 12] = null;
                data.Voted[8 * RowGroupRows] = double.NaN;
                break;
            case "a null id":
                data.NullIdAt = 6 * RowGroupRows + 30;
                break;
            case "an outcome too large":
                data.Voted[Rows - 1] = 1e300;
                break;
            case "a repeated id": // 4712 is no id of the form 7k + 100
                data.Ids[12 * RowGroupRows] = 4712;
                data.Ids[2 * RowGroupRows + 5] = 4712;
                break;
            case "257 levels over all row groups":
                // 21 new levels in each row group: none has more than 256, the file has; row group 12 starts at
                // level 9 of its 21 (3600 = 21 · 171 + 9), so its fifth row brings the 257th.
                for (int row = 0; row < Rows; row++) data.Vote2010[row] = $"level {row / RowGroupRows}-{row % 21}";
                break;
        }
        string path = data.Write(_files.PathOf("nodes.parquet"), dictionaryText: false);

        using (var source = ParquetRecordSource.Open(path))
        {
            try
            {
                // The fast path gives up (or, for a repeated id, is named by the whole file's reader once joined).
                NodeRows? rows = ParallelParquetNodes.TryRead(source, options);
                if (rows is not null)
                {
                    var joined = Assert.Throws<DataFormatException>(() => rows.ToTable(path));
                    Assert.Equal($"{path}: {problem}", joined.Message);
                }
            }
            catch (DataFormatException e)
            {
                Assert.Fail($"the fast path threw instead of giving up: {e.Message}");
            }
        }
        var general = Assert.Throws<DataFormatException>(() => ReadFromStartToEnd(path, options));
        var read = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(path, options));
        Assert.Equal($"{path}: {problem}", general.Message);
        Assert.Equal(general.Message, read.Message);
    }

    [Fact]
    public void AColumnOfTheWrongTypeIsNamedWithItsFirstRowGroup()
    {
        var data = new NodeData { FeedAsText = true };
        string path = data.Write(_files.PathOf("nodes.parquet"), dictionaryText: false);
        using (var source = ParquetRecordSource.Open(path))
            Assert.Null(ParallelParquetNodes.TryRead(source, AnyLevels));
        var e = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(path, AnyLevels));
        Assert.Equal($"{path}: column 'feed', row group 0: a number is needed, but the column holds text", e.Message);
    }

    private static NodeTable ReadFromStartToEnd(string path, NodeTableOptions? options = null)
    {
        using var source = ParquetRecordSource.Open(path);
        var rows = new NodeRows(source, options ?? AnyLevels);
        rows.ReadAll(source);
        return rows.ToTable(path);
    }

    private static NodeTable ReadRowGroupsInParallel(string path)
    {
        using var source = ParquetRecordSource.Open(path);
        NodeRows? rows = ParallelParquetNodes.TryRead(source, AnyLevels);
        Assert.NotNull(rows);
        return rows.ToTable(path);
    }

    private static void AssertSame(NodeTable expected, NodeTable actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.Cells, actual.Cells);
        Assert.Equal(expected.Vote2010, actual.Vote2010);
        Assert.Equal(expected.Vote2010Levels, actual.Vote2010Levels);
        Assert.Equal(expected.LoggedIn, actual.LoggedIn);
        Assert.Equal(expected.Ids!.IsInteger, actual.Ids!.IsInteger);
        Assert.Equal(Enumerable.Range(0, expected.Count).Select(expected.Ids.GetId), Enumerable.Range(0, actual.Count).Select(actual.Ids.GetId));
        Assert.Equal(expected.Source, actual.Source);
    }

    /// <summary>A nodes file of <see cref="Rows"/> rows with every kind of column, nulls among the outcomes; changed by each test, then written.</summary>
    private sealed class NodeData
    {
        public NodeData()
        {
            var random = new System.Random(11);
            // Ids in no order, so that no row group's ids follow from another's.
            Ids = [.. Enumerable.Range(0, Rows).Select(i => (long)i * 7 + 100).OrderBy(_ => random.Next())];
            Voted = [.. Enumerable.Range(0, Rows).Select(i => i % 13 == 0 ? (double?)null : random.Next(3) * 0.5)];
            Banner = [.. Enumerable.Range(0, Rows).Select(_ => (bool?)(random.Next(2) == 1))];
            BannerValue = [.. Banner.Select(b => b == true ? 1L : 0L)];
            Feed = [.. Enumerable.Range(0, Rows).Select(_ => (long?)random.Next(2))];
            string[] early = ["voted", "abstained", "unknown"];
            Vote2010 = [.. Enumerable.Range(0, Rows).Select(i => i > 4000 && i % 5 == 0 ? "moved" : early[i == 0 ? 0 : i == 1 ? 1 : random.Next(3)])];
            LoggedIn = [.. Enumerable.Range(0, Rows).Select(_ => random.Next(2))];
        }

        public long[] Ids { get; }

        public double?[] Voted { get; }

        public bool?[] Banner { get; }

        public long[] BannerValue { get; }

        public bool BannerAsIntegers { get; init; } = true;

        public long?[] Feed { get; }

        public bool FeedAsText { get; init; }

        public string?[] Vote2010 { get; }

        public int[] LoggedIn { get; }

        public int? NullIdAt { get; set; }

        public string Write(string path, bool dictionaryText, string[]? textIds = null)
        {
            Column[] columns =
            [
                textIds is not null ? new Column("id", textIds)
                    : NullIdAt is int at ? new Column("id", Ids.Select((id, row) => row == at ? null : (long?)id).ToArray())
                    : new Column("id", Ids),
                new Column("voted", Voted),
                BannerAsIntegers ? new Column("banner", BannerValue) : new Column("banner", Banner),
                FeedAsText ? new Column("feed", Feed.Select(f => f.ToString()).ToArray()) : new Column("feed", Feed),
                new Column("vote2010", Vote2010),
                new Column("logged_in", LoggedIn),
            ];
            return dictionaryText ? WriteDictionaryText(path, RowGroupRows, columns) : ParquetTestFiles.Write(path, RowGroupRows, columns);
        }
    }
}
