using System.IO.Compression;
using System.Text;
using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Graph;

/// <summary>
/// The plain integer CSV path against the general reader, which is the oracle: on random files, some plain and some
/// with one thing the fast path must not take (quotes, spaces, a third field, "007", an unknown id, a bad byte, a cut
/// gzip file), reading gives the same graph or the same file:line:column error either way.
/// </summary>
public sealed class PlainIntegerEdgeCsvTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>What a read ended in: the whole graph written out, or the error's message.</summary>
    private static string Outcome(Func<CsrGraph> read)
    {
        try
        {
            return Describe(read());
        }
        catch (DataFormatException e)
        {
            return "error: " + e.Message;
        }
    }

    private static string Describe(CsrGraph g) =>
        $"n={g.NodeCount} offsets={string.Join(' ', g.RowOffsets)} columns={string.Join(' ', g.Columns)} " +
        $"weights={(g.Weights is null ? "none" : string.Join(' ', g.Weights))} self={g.SelfLoopsDropped} dup={g.DuplicatesDropped} unknown={g.UnknownDropped}";

    /// <summary>Ids counting up from a base (the arithmetic lookup), spread out in random order (the dense table), or anywhere (the hash table).</summary>
    private static long[] RandomIds(System.Random random, int count)
    {
        long start = random.Next(-3, 4);
        return random.Next(3) switch
        {
            0 => [.. Enumerable.Range(0, count).Select(i => start + i)],
            1 => [.. Enumerable.Range(0, count * 2).Select(i => (long)i).OrderBy(_ => random.Next()).Take(count)],
            _ => [.. Enumerable.Range(0, count).Select(i => random.NextInt64(long.MinValue, long.MaxValue) / (i + 1)).Distinct()],
        };
    }

    private static string RandomEdges(System.Random random, long[] ids, out bool plain)
    {
        string newLine = random.Next(2) == 0 ? "\n" : "\r\n";
        var text = new StringBuilder();
        if (random.Next(8) == 0) text.Append('\uFEFF');
        text.Append(random.Next(2) == 0 ? "src,dst" : "dst,src").Append(newLine);
        int lines = random.Next(0, 300);
        // Most files are plain; the rest carry one thing the fast path leaves to the general reader.
        int oddLine = random.Next(3) == 0 ? random.Next(lines + 1) : -1;
        plain = oddLine < 0 || oddLine == lines;
        for (int line = 0; line < lines; line++)
        {
            if (random.Next(20) == 0) text.Append(newLine); // a blank line
            long a = ids[random.Next(ids.Length)], b = ids[random.Next(ids.Length)];
            if (line == oddLine) text.Append(OddRecord(random, a, b));
            else text.Append(a).Append(',').Append(b);
            if (line < lines - 1 || random.Next(4) != 0) text.Append(newLine); // the last line end is optional
        }
        return text.ToString();
    }

    private static string OddRecord(System.Random random, long a, long b) => random.Next(10) switch
    {
        0 => $"\"{a}\",{b}",
        1 => $" {a},{b}",
        2 => $"{a},{b},7",
        3 => $"{a}",
        4 => $"0{Math.Abs(a % 1000)},{b}",
        5 => $"{a},-0",
        6 => $"{a},{b}1234567890123456789",
        7 => $"{a},+{b}",
        8 => $"{a},{long.MinValue / 3}",
        _ => $"{a},{b}\u00e9",
    };

    private string WriteFile(System.Random random, string text, int seed, out bool whole)
    {
        whole = true;
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (text.Contains('\u00e9') && random.Next(2) == 0)
            bytes = [.. bytes.Select(b => b == 0xA9 ? (byte)0xE9 : b)]; // the UTF-8 of é turned into a Latin-1 byte that is not UTF-8
        string path = _files.PathOf($"edges{seed}.csv");
        if (random.Next(3) == 0)
        {
            using var memory = new MemoryStream();
            using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(bytes);
            bytes = memory.ToArray();
            if (random.Next(4) == 0)
            {
                bytes = bytes[..^random.Next(1, Math.Min(bytes.Length, 12))]; // cut short
                whole = false;
            }
        }
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void GivesTheGeneralReadersGraphOrErrorOnRandomFiles()
    {
        int fastTaken = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var random = new System.Random(seed);
            long[] nodeIds = RandomIds(random, random.Next(1, 40));
            var index = NodeIdIndex.FromIntegers(nodeIds);
            // Edges may name ids outside the nodes file.
            long[] edgeIds = [.. nodeIds, .. random.Next(3) == 0 ? RandomIds(random, 3) : []];
            string text = RandomEdges(random, edgeIds, out bool plain);
            string path = WriteFile(random, text, seed, out bool whole);
            var options = new EdgeListOptions { DropUnknownIds = random.Next(2) == 0 };
            bool allKnown = plain && text.TrimStart('\uFEFF').Split('\n').Skip(1).Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0)
                .All(line => line.Split(',').All(id => nodeIds.Contains(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture))));

            string expected = Outcome(() => EdgeListReader.ReadRecords(path, index, options));
            Assert.True(expected == Outcome(() => EdgeListReader.Read(path, index, options)), $"seed {seed}");
            int blockBytes = random.Next(2) == 0 ? PlainIntegerEdgeCsv.DefaultBlockBytes : random.Next(4, 200);
            bool taken = PlainIntegerEdgeCsv.TryRead(path, index, options, out var sources, out var targets, out long unknown, blockBytes);
            // A plain file must take the fast path (unless a line is longer than a test's tiny block).
            if (plain && whole && (allKnown || options.DropUnknownIds) && blockBytes == PlainIntegerEdgeCsv.DefaultBlockBytes) Assert.True(taken, $"seed {seed}");
            if (taken)
            {
                fastTaken++;
                var graph = CsrGraphBuilder.Build(index.Count, sources.Span, targets.Span);
                string fast = Describe(new CsrGraph
                {
                    NodeCount = graph.NodeCount, RowOffsets = graph.RowOffsets, Columns = graph.Columns, SelfLoopsDropped = graph.SelfLoopsDropped,
                    DuplicatesDropped = graph.DuplicatesDropped, UnknownDropped = unknown,
                });
                Assert.True(expected == fast, $"seed {seed}, blocks of {blockBytes} bytes:\n{expected}\n{fast}");
            }
        }
        // The comparison means something only if both paths ran often.
        Assert.InRange(fastTaken, 100, 350);
    }

    [Theory]
    [InlineData("src,dst\n1,2\n2,3\n", true)]
    [InlineData("\uFEFFdst,src\r\n1,2\r\n\r\n2,3", true)]
    [InlineData("src,dst\n", true)]
    [InlineData("src,dst", true)]
    [InlineData("src,dst\n1,\"2\"\n", false)]
    [InlineData("src,dst\n1, 2\n", false)]
    [InlineData("src,dst\n1,2,3\n", false)]
    [InlineData("src,dst,weight\n1,2,0.5\n", false)]
    [InlineData("src,dst\n1,02\n", false)]
    [InlineData("src,dst\n1,9\n", false)]
    [InlineData("src,dst\n1,x\n", false)]
    [InlineData("\nsrc,dst\n1,2\n", false)]
    [InlineData("src ,dst\n1,2\n", false)]
    [InlineData("", false)]
    public void TakesOnlyPlainFiles(string content, bool taken)
    {
        var index = NodeIdIndex.FromIntegers([1, 2, 3]);
        string path = _files.Write("edges.csv", content);
        Assert.Equal(taken, PlainIntegerEdgeCsv.TryRead(path, index, new EdgeListOptions(), out _, out _, out _));
    }

    [Fact]
    public void StringIdsAreLeftToTheGeneralReader()
    {
        var index = NodeIdIndex.FromStrings(["1", "2", "x"]);
        string path = _files.Write("edges.csv", "src,dst\n1,2\n");
        Assert.False(PlainIntegerEdgeCsv.TryRead(path, index, new EdgeListOptions(), out _, out _, out _));
        var graph = EdgeListReader.Read(path, index);
        Assert.Equal([0L, 1, 1, 1], graph.RowOffsets);
        Assert.Equal([1], graph.Columns);
    }

    [Fact]
    public void ACutGzipFileIsTheGeneralReadersError()
    {
        var index = NodeIdIndex.FromIntegers([.. Enumerable.Range(0, 1000).Select(i => (long)i)]);
        string text = "src,dst\n" + string.Concat(Enumerable.Range(0, 50_000).Select(i => $"{i % 1000},{i * 7 % 1000}\n"));
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(text));
        string path = _files.PathOf("edges.csv.gz");
        File.WriteAllBytes(path, memory.ToArray()[..^5]);
        var error = Assert.Throws<DataFormatException>(() => EdgeListReader.Read(path, index));
        Assert.Equal(Outcome(() => EdgeListReader.ReadRecords(path, index, new EdgeListOptions())), "error: " + error.Message);
        Assert.Contains(path, error.Message);
    }
}
