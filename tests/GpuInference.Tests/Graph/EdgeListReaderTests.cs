using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Graph;

public sealed class EdgeListReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private NodeIdIndex Ids(params string[] ids)
    {
        string path = _files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n" + string.Concat(ids.Select(id => $"{id},1,1,1,voted\n")));
        return NodeTableReader.Read(path).Ids!;
    }

    [Fact]
    public void ReadsEdgesByIdAndCountsDrops()
    {
        var ids = Ids("100", "200", "300");
        string path = _files.WriteGzip("edges.gz", "src,dst\r\n300,100\r\n100,300\r\n100,200\r\n200,200\r\n100,300\r\n");
        var graph = EdgeListReader.Read(path, ids);
        Assert.Equal([0L, 2, 2, 3], graph.RowOffsets);
        Assert.Equal([1, 2, 0], graph.Columns);
        Assert.Equal(1, graph.SelfLoopsDropped);
        Assert.Equal(1, graph.DuplicatesDropped);
    }

    [Fact]
    public void IdsAreTrimmedAsInTheNodesFile()
    {
        var ids = Ids("ann", " bob ", "7");
        string path = _files.Write("edges.csv", "src,dst\n ann , bob\nbob,  7\n");
        var graph = EdgeListReader.Read(path, ids);
        Assert.Equal([0L, 1, 2, 2], graph.RowOffsets);
        Assert.Equal([1, 2], graph.Columns);
    }

    [Fact]
    public void InvalidUtf8IdsAreAnErrorNotAnotherPersonsId()
    {
        // n5\xe9 and n5\xe8 were both read as "n5\uFFFD": the edge landed on whoever held that id.
        string nodes = _files.PathOf("nodes.csv");
        File.WriteAllBytes(nodes, [.. "id,voted,banner,feed,vote2010\nn1,1,1,1,voted\nn5"u8, 0xE9, .. ",1,1,1,voted\n"u8]);
        string edges = _files.PathOf("edges.csv");
        File.WriteAllBytes(edges, [.. "src,dst\nn1,n5"u8, 0xE8, (byte)'\n']);
        var error = Assert.Throws<DataFormatException>(() => NodeTableReader.Read(nodes));
        Assert.Equal($"{nodes}:3:1: not valid UTF-8: byte 0xE9 at byte 3 of the field (save the file as UTF-8)", error.Message);
        var ids = Ids("n1", "n5\uFFFD");
        error = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(edges, ids));
        Assert.Equal($"{edges}:2:2: not valid UTF-8: byte 0xE8 at byte 3 of the field (save the file as UTF-8)", error.Message);
    }

    [Fact]
    public void StringIdsWeightsAndRenamedColumns()
    {
        var ids = Ids("ann", "bob", "\"c,d\"");
        string path = _files.Write("edges.csv", "from,to,w\nann,\"c,d\",0.5\nbob,ann,2\n");
        var graph = EdgeListReader.Read(path, ids, new EdgeListOptions { SourceColumn = "from", TargetColumn = "to", WeightColumn = "w" });
        Assert.Equal([0L, 1, 2, 2], graph.RowOffsets);
        Assert.Equal([2, 0], graph.Columns);
        Assert.Equal([0.5f, 2f], graph.Weights!);
    }

    [Theory]
    [InlineData("src,dst\n1,2\n1,9\n", "3:2: unknown node id '9' (not in the nodes file)")]
    [InlineData("src,dst\n1,2\nx,1\n", "3:1: unknown node id 'x' (not in the nodes file)")]
    [InlineData("src,dst\n1,2,3\n", "2:3: expected 2 fields, found 3")]
    [InlineData("src,to\n1,2\n", "1:1: missing column 'dst' (header has: src, to)")]
    [InlineData("src,dst,weight\n1,2,heavy\n", "2:3: weight is not a number: 'heavy'")]
    [InlineData("", "1:1: empty file (no header row)")]
    [InlineData("src,dst,weight\n1,2,-0.5\n", "2:3: weight is negative: '-0.5'")]
    [InlineData("src,dst,src\n1,2,3\n", "1:3: column name 'src' is given twice (columns 1 and 3)")]
    public void BadEdgesGiveFileLineAndField(string content, string expected)
    {
        var ids = Ids("1", "2");
        string path = _files.Write("edges.csv", content);
        var error = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(path, ids));
        Assert.Equal($"{path}:{expected}", error.Message);
    }
}
