using GpuInference.Data;

namespace GpuInference.Tests.Data;

/// <summary>Each way of holding integer ids (arithmetic, dense table, hash table) finds exactly the ids it was given.</summary>
public sealed class NodeIdIndexTests
{
    public static TheoryData<long[]> Ids => new()
    {
        new long[] { 5, 6, 7, 8 },                               // consecutive: looked up by arithmetic
        new long[] { 0, 1, 2 },
        new long[] { -3, -2, -1, 0, 1 },
        new long[] { long.MaxValue - 1, long.MaxValue },         // consecutive, but base + count would overflow: dense
        new long[] { 0, 2, 4, 1, 9 },                            // dense table
        new long[] { 10, -7, 1_000_000_000_000_000, long.MinValue }, // hash table
        new long[] { 42 },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryLookupFindsThePositionOfTheIdOrNothing(long[] ids)
    {
        var index = NodeIdIndex.FromIntegers(ids);
        long[] probes = [.. ids, .. ids.Select(id => unchecked(id + 1)), .. ids.Select(id => unchecked(id - 1)), .. ids.Select(id => unchecked(id + ids.Length)),
            long.MinValue, long.MaxValue, 0, -1, 3];
        var batch = new int[probes.Length];
        index.GetNodes(probes, batch);
        for (int i = 0; i < probes.Length; i++)
        {
            int expected = Array.IndexOf(ids, probes[i]);
            Assert.Equal(expected, batch[i]);
            Assert.Equal(expected >= 0, index.TryGetNode(probes[i], out int node));
            Assert.Equal(expected, expected >= 0 ? node : -1);
            Assert.Equal(expected >= 0, index.TryGetNode(System.Text.Encoding.UTF8.GetBytes(probes[i].ToString(System.Globalization.CultureInfo.InvariantCulture)), out node));
            Assert.Equal(expected, expected >= 0 ? node : -1);
        }
    }

    [Fact]
    public void StringIdsAreNeverFoundByNumber()
    {
        var index = NodeIdIndex.FromStrings(["1", "2", "x"]);
        var nodes = new int[2];
        index.GetNodes([1, 2], nodes);
        Assert.Equal([-1, -1], nodes);
    }
}
