using GpuInference.Data;
using GpuInference.Design;

namespace GpuInference.Tests.Data;

public sealed class NodeTableReaderTests : IDisposable
{
    private const string Header = "id,voted,banner,feed,vote2010,logged_in\n";
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ReadsEveryColumn()
    {
        string path = _files.Write("nodes.csv", Header + "10,1,1,1,voted,1\n11,,0,1,abstained,0\n12,0.25,1,0,voted,1\n13,0,0,0,unknown,0\n");
        var table = NodeTableReader.Read(path);
        Assert.Equal(4, table.Count);
        Assert.Equal([TreatmentCell.Both, TreatmentCell.Feed, TreatmentCell.Banner, TreatmentCell.Neither], table.Cells);
        Assert.Equal(1.0, table.Outcome[0]);
        Assert.True(double.IsNaN(table.Outcome[1]));
        Assert.False(table.IsUnit(1));
        Assert.Equal(0.25, table.Outcome[2]);
        Assert.Equal(["voted", "abstained", "unknown"], table.Vote2010Levels);
        Assert.Equal([0, 1, 0, 2], table.Vote2010);
        Assert.Equal([1, 0, 1, 0], table.LoggedIn!);
        Assert.True(table.Ids!.IsInteger);
        Assert.True(table.Ids.TryGetNode("12", out int node));
        Assert.Equal(2, node);
        Assert.Equal(path, table.Source);
    }

    [Fact]
    public void StringIdsAndRenamedColumnsWork()
    {
        string path = _files.WriteGzip("nodes.csv.gz", "who,y,b,f,past\n7,1,1,1,voted\nann,0,0,1,voted\n");
        var options = new NodeTableOptions { IdColumn = "who", OutcomeColumn = "y", BannerColumn = "b", FeedColumn = "f", Vote2010Column = "past" };
        var table = NodeTableReader.Read(path, options);
        Assert.False(table.Ids!.IsInteger);
        Assert.Null(table.LoggedIn);
        Assert.True(table.Ids.TryGetNode("ann", out int ann));
        Assert.Equal(1, ann);
        Assert.True(table.Ids.TryGetNode("7", out int seven));
        Assert.Equal(0, seven);
        Assert.Equal("ann", table.Ids.GetId(1));
    }

    [Fact]
    public void NonCanonicalIntegersStayDistinctFromTheirValue()
    {
        string path = _files.Write("nodes.csv", Header + "7,1,1,1,voted,1\n007,1,1,1,voted,1\n");
        var table = NodeTableReader.Read(path);
        Assert.False(table.Ids!.IsInteger);
        Assert.Equal("007", table.Ids.GetId(1));
    }

    [Fact]
    public void IdsAreTrimmedLikeEveryOtherField()
    {
        string path = _files.Write("nodes.csv", Header + " 10 ,1,1,1,voted,1\n ann,0,0,1, voted ,0\n");
        var table = NodeTableReader.Read(path);
        Assert.Equal("10", table.Ids!.GetId(0));
        Assert.Equal("ann", table.Ids.GetId(1));
        Assert.True(table.Ids.TryGetNode("ann", out int ann));
        Assert.Equal(1, ann);
    }

    [Fact]
    public void OtherVote2010LevelsAreAcceptedWhenAllowed()
    {
        string path = _files.Write("nodes.csv", Header + "1,1,1,1,yes,1\n2,0,0,1,no,0\n");
        var table = NodeTableReader.Read(path, new NodeTableOptions { Vote2010Levels = null });
        Assert.Equal(["yes", "no"], table.Vote2010Levels);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "id,banner,feed,vote2010\n1,1,1,voted\n", "1:1: missing column 'voted' (header has: id, banner, feed, vote2010)" },
        { Header + "1,1,1,1,voted,1\n2,yes,1,1,voted,1\n", "3:2: voted is not a number: 'yes'" },
        { Header + "1,1,2,1,voted,1\n", "2:3: banner must be 0 or 1, found '2'" },
        { Header + "1,1,1,0.5,voted,1\n", "2:4: feed must be 0 or 1, found '0.5'" },
        { Header + "1,1,1,1,voted,\n", "2:6: logged_in must be 0 or 1, found ''" },
        { Header + "1,1,1,1,voted,1\n2,1,1,1,voted,1\n1,0,1,1,voted,1\n", "4:1: duplicate node id '1' (first on line 2)" },
        { Header + "a,1,1,1,voted,1\nb,1,1,1,voted,1\na,0,1,1,voted,1\n", "4:1: duplicate node id 'a' (first on line 2)" },
        { Header + "1,1,1,1,voted\n", "2:6: expected 6 fields, found 5" },
        { Header + "1,1,1,1,voted,1,9\n", "2:7: expected 6 fields, found 7" },
        { "", "1:1: empty file (no header row)" },
        { Header + "1,NaN,1,1,voted,1\n", "2:2: voted is not a number: 'NaN'" },
        { Header + "1,1e80,1,1,voted,1\n", "2:2: voted '1e80' is larger in magnitude than 1e12 (a unit or parsing mistake?)" },
        { Header + "1,1,1,1,voted,1\n2,0,1,1,,1\n", "3:5: vote2010 is blank" },
        { Header + "1,1,1,1,voted,1\n2,0,1,1,  ,1\n", "3:5: vote2010 is blank" },
        { Header + "1,1,1,1,voted,1\n2,0,1,1,votd,1\n", "3:5: vote2010 'votd' is not one of the levels voted, abstained, unknown" },
        { Header + "1,1,1,1,voted,1\n 1 ,0,1,1,voted,1\n", "3:1: duplicate node id '1' (first on line 2)" },
        { Header + "a,1,1,1,voted,1\n a,0,1,1,voted,1\n", "3:1: duplicate node id 'a' (first on line 2)" },
        { Header + "  ,1,1,1,voted,1\n", "2:1: id is empty" },
        { "id,voted,banner,feed,vote2010,voted\n1,1,1,1,voted,0\n", "1:6: column name 'voted' is given twice (columns 2 and 6)" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputGivesFileLineAndField(string content, string expected)
    {
        string path = _files.Write("nodes.csv", content);
        var error = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(path));
        Assert.Equal($"{path}:{expected}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
