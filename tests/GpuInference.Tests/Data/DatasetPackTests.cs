using GpuInference.Data;
using GpuInference.Graph;

namespace GpuInference.Tests.Data;

public sealed class DatasetPackTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private PackedDataset Load(string nodesCsv, string edgesCsv)
    {
        var nodes = NodeTableReader.Read(_files.Write("nodes.csv", nodesCsv));
        return new PackedDataset(nodes, EdgeListReader.Read(_files.Write("edges.csv", edgesCsv), nodes.Ids!));
    }

    private PackedDataset Sample() => Load(
        "id,voted,banner,feed,vote2010,logged_in\n5,1,1,1,voted,1\n9,,0,1,unknown,0\n2,0.5,1,0,abstained,1\n",
        "src,dst\n5,9\n5,2\n2,5\n9,9\n5,9\n");

    private static void AssertSame(PackedDataset expected, PackedDataset actual)
    {
        Assert.Equal(expected.Nodes.Count, actual.Nodes.Count);
        Assert.Equal(expected.Nodes.Cells, actual.Nodes.Cells);
        Assert.Equal(expected.Nodes.Outcome, actual.Nodes.Outcome); // NaN compares equal to NaN here
        Assert.Equal(expected.Nodes.Vote2010, actual.Nodes.Vote2010);
        Assert.Equal(expected.Nodes.Vote2010Levels, actual.Nodes.Vote2010Levels);
        Assert.Equal(expected.Nodes.LoggedIn, actual.Nodes.LoggedIn);
        Assert.Equal(expected.Nodes.Source, actual.Nodes.Source);
        Assert.Equal(expected.Nodes.Ids!.IsInteger, actual.Nodes.Ids!.IsInteger);
        for (int i = 0; i < expected.Nodes.Count; i++) Assert.Equal(expected.Nodes.Ids.GetId(i), actual.Nodes.Ids.GetId(i));
        Assert.Equal(expected.Graph.RowOffsets, actual.Graph.RowOffsets);
        Assert.Equal(expected.Graph.Columns, actual.Graph.Columns);
        Assert.Equal(expected.Graph.Weights, actual.Graph.Weights);
        Assert.Equal(expected.Graph.SelfLoopsDropped, actual.Graph.SelfLoopsDropped);
        Assert.Equal(expected.Graph.DuplicatesDropped, actual.Graph.DuplicatesDropped);
    }

    [Fact]
    public void RoundTripIsIdentical()
    {
        var original = Sample();
        string pack = _files.PathOf("data.pack");
        DatasetPack.Write(pack, original.Nodes, original.Graph);
        var loaded = DatasetPack.Read(pack);
        AssertSame(original, loaded);
        Assert.True(loaded.Nodes.Ids!.TryGetNode("2", out int node));
        Assert.Equal(2, node);
        Assert.Equal(1, loaded.Graph.SelfLoopsDropped);
        Assert.Equal(1, loaded.Graph.DuplicatesDropped);
        Assert.False(File.Exists(pack + ".tmp"));
    }

    [Fact]
    public void StringIdsWeightsAndNoLoginRoundTrip()
    {
        var original = Load("id,voted,banner,feed,vote2010\nann,1,1,1,voted\nbjörn,0,0,0,voted\n", "src,dst,weight\nann,björn,0.75\n");
        string pack = _files.PathOf("data.pack");
        DatasetPack.Write(pack, original.Nodes, original.Graph);
        var loaded = DatasetPack.Read(pack);
        AssertSame(original, loaded);
        Assert.Null(loaded.Nodes.LoggedIn);
        Assert.True(loaded.Nodes.Ids!.TryGetNode("björn", out int node));
        Assert.Equal(1, node);
    }

    [Fact]
    public void CorruptedByteIsRejectedNamingTheSection()
    {
        var original = Sample();
        string pack = _files.PathOf("data.pack");
        DatasetPack.Write(pack, original.Nodes, original.Graph);
        var bytes = File.ReadAllBytes(pack);
        bytes[^1] ^= 0x40; // the last section written: the integer ids
        File.WriteAllBytes(pack, bytes);
        var error = Assert.Throws<DataFormatException>(() => DatasetPack.Read(pack));
        Assert.Equal($"{pack}: corrupt section IntegerIds (checksum mismatch)", error.Message);
    }

    [Fact]
    public void CorruptedHeaderIsRejected()
    {
        var original = Sample();
        string pack = _files.PathOf("data.pack");
        DatasetPack.Write(pack, original.Nodes, original.Graph);
        var bytes = File.ReadAllBytes(pack);
        bytes[17] ^= 1; // node count
        File.WriteAllBytes(pack, bytes);
        Assert.Equal($"{pack}: corrupt header (checksum mismatch)", Assert.Throws<DataFormatException>(() => DatasetPack.Read(pack)).Message);
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        var original = Sample();
        string pack = _files.PathOf("data.pack");
        DatasetPack.Write(pack, original.Nodes, original.Graph);
        long full = new FileInfo(pack).Length;
        using (var file = File.OpenWrite(pack)) file.SetLength(full - 3);
        var error = Assert.Throws<DataFormatException>(() => DatasetPack.Read(pack));
        Assert.Equal($"{pack}: truncated: {full - 3} bytes, the header describes {full}", error.Message);

        using (var file = File.OpenWrite(pack)) file.SetLength(10);
        Assert.Equal($"{pack}: not a pack file: 10 bytes, shorter than the 40-byte header", Assert.Throws<DataFormatException>(() => DatasetPack.Read(pack)).Message);
    }

    [Fact]
    public void OtherFilesAreNotPacks()
    {
        string path = _files.Write("nodes.csv", "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n");
        Assert.Equal($"{path}: not a pack file (bad magic bytes)", Assert.Throws<DataFormatException>(() => DatasetPack.Read(path)).Message);
    }
}
