using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Tests.Data;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Graph;

public sealed class SnapFacebookGraphTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void EgoFacebookLoadsWithBothDirections()
    {
        string snap = SharedData.PathOf("graphs", "facebook_combined.txt");
        long pairs = SnapEdgeListConverter.Convert(snap, _files.PathOf("nodes.csv"), _files.PathOf("edges.csv"));
        Assert.Equal(88_234, pairs);

        var nodes = NodeTableReader.Read(_files.PathOf("nodes.csv"));
        var graph = EdgeListReader.Read(_files.PathOf("edges.csv"), nodes.Ids!);
        Assert.Equal(4_039, nodes.Count);
        Assert.Equal(4_039, graph.NodeCount);
        Assert.Equal(176_468, graph.EdgeCount);
        Assert.Equal(0, graph.SelfLoopsDropped);
        Assert.Equal(0, graph.DuplicatesDropped);
        Assert.Equal(0, nodes.Outcome.Count(y => !double.IsNaN(y)));
        // Node 0 is the centre of the first ego network: 347 friends in SNAP's statistics.
        Assert.Equal(347, graph.Degree(0));
    }
}
