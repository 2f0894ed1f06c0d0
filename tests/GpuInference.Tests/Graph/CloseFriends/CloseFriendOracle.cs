using System.Globalization;
using System.Numerics;
using System.Text;
using GpuInference.Data;

namespace GpuInference.Tests.Graph.CloseFriends;

/// <summary>
/// The close-friend rule computed the plain way, everything in memory: dictionaries of pairs and totals, every
/// share as an exact fraction compared with big integers, one full sort, the cut-off read off at its rank. The
/// reference the streaming implementation is tested against.
/// </summary>
internal static class CloseFriendOracle
{
    public sealed record Result(
        long People, long Pairs, long SelfRows, long SelfActions, long ZeroRows, long Actions,
        (BigInteger Count, BigInteger Total)? CutOff, long AtCutOff, HashSet<(string Src, string Dst)> Edges);

    /// <summary>Rows as (src, dst, count text) before any trimming, as written into the file.</summary>
    public static Result Compute(IEnumerable<(string Src, string Dst, string Count)> rows, decimal percentile)
    {
        var pairs = new Dictionary<(string, string), long>();
        long selfRows = 0, selfActions = 0, zeroRows = 0, actions = 0;
        foreach (var (rawSrc, rawDst, rawCount) in rows)
        {
            string src = rawSrc.Trim(' '), dst = rawDst.Trim(' ');
            long count = long.Parse(rawCount.Trim(' '), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (count < 0) throw new ArgumentException("the oracle takes valid rows only");
            if (count == 0) { zeroRows++; continue; }
            if (src == dst) { selfRows++; selfActions += count; continue; }
            actions += count;
            pairs[(src, dst)] = pairs.GetValueOrDefault((src, dst)) + count;
        }
        var totals = new Dictionary<string, long>();
        foreach (var ((src, _), count) in pairs) totals[src] = totals.GetValueOrDefault(src) + count;

        var shares = pairs.Select(p => (Pair: p.Key, Count: new BigInteger(p.Value), Total: new BigInteger(totals[p.Key.Item1]))).ToList();
        shares.Sort((a, b) => (a.Count * b.Total).CompareTo(b.Count * a.Total));
        var edges = new HashSet<(string, string)>();
        if (shares.Count == 0) return new Result(totals.Count, 0, selfRows, selfActions, zeroRows, actions, null, 0, edges);

        long m = shares.Count;
        long k = 1;
        while (k < m && k * 100m < percentile * m) k++;
        var cut = shares[(int)(k - 1)];
        long atCut = 0;
        foreach (var s in shares)
        {
            int order = (s.Count * cut.Total).CompareTo(cut.Count * s.Total);
            if (order >= 0) edges.Add(s.Pair);
            if (order == 0) atCut++;
        }
        return new Result(totals.Count, m, selfRows, selfActions, zeroRows, actions, (cut.Count, cut.Total), atCut, edges);
    }

    /// <summary>Reads an edges file written by the finder, with the project's own CSV reader (quoted ids included).</summary>
    public static HashSet<(string Src, string Dst)> ReadEdges(string path)
    {
        var edges = new HashSet<(string, string)>();
        using var csv = CsvReader.Open(path);
        Assert.True(csv.ReadRecord());
        Assert.Equal("src", csv.GetString(0));
        Assert.Equal("dst", csv.GetString(1));
        while (csv.ReadRecord())
        {
            Assert.Equal(2, csv.FieldCount);
            Assert.True(edges.Add((csv.GetString(0), csv.GetString(1))), "an edge is written twice");
        }
        return edges;
    }

    public static string ToCsv(IEnumerable<(string Src, string Dst, string Count)> rows)
    {
        var text = new StringBuilder("src,dst,count\n");
        foreach (var (src, dst, count) in rows) text.Append(Field(src)).Append(',').Append(Field(dst)).Append(',').Append(count).Append('\n');
        return text.ToString();
    }

    private static string Field(string id) => id.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + id.Replace("\"", "\"\"") + "\"" : id;
}
