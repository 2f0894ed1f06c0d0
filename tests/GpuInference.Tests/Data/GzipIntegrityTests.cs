using System.IO.Compression;
using System.Text;
using GpuInference.Data;

namespace GpuInference.Tests.Data;

/// <summary>A gzip file is read only when every member is whole and matches its trailer's CRC-32 and length.</summary>
public sealed class GzipIntegrityTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>About 1.4 MB of edges: many reads of the inflater, so the trailer search runs past the first buffer.</summary>
    private static readonly string Edges = "src,dst\n" + string.Concat(Enumerable.Range(0, 120_000).Select(i => $"{i},{(i * 7919L) % 120_000}\n"));

    private static byte[] Gzip(string text)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return memory.ToArray();
    }

    private static string ReadAll(string path)
    {
        using var stream = InputFile.OpenRead(path);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = _files.PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void AWholeFileReadsBack()
    {
        Assert.Equal(Edges, ReadAll(WriteBytes("edges.csv.gz", Gzip(Edges))));
    }

    [Fact]
    public void ConcatenatedMembersReadAsOneStream()
    {
        byte[] both = [.. Gzip(Edges[..5000]), .. Gzip(Edges[5000..]), .. Gzip("")];
        Assert.Equal(Edges, ReadAll(WriteBytes("edges.csv.gz", both)));
    }

    [Fact]
    public void HeaderFieldsAreSkipped()
    {
        // FLG = FEXTRA | FNAME | FCOMMENT, as some tools write them; the deflate data and trailer are the usual ones.
        byte[] plain = Gzip("a,b\n1,2\n");
        byte[] header = [0x1F, 0x8B, 8, 0x1C, 0, 0, 0, 0, 0, 3, 2, 0, (byte)'x', (byte)'y', (byte)'n', 0, (byte)'c', 0];
        Assert.Equal("a,b\n1,2\n", ReadAll(WriteBytes("named.gz", [.. header, .. plain.AsSpan(10)])));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(20_000)]
    public void AFileCutInItsDataIsAnErrorNamingIt(int cut)
    {
        byte[] whole = Gzip(Edges);
        string path = WriteBytes("edges.csv.gz", whole[..^cut]);
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}: the gzip data ends before its end (the file is truncated: was the copy or download cut short?)", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void AFileCutInItsTrailerIsAnErrorNamingIt(int cut)
    {
        byte[] whole = Gzip(Edges);
        string path = WriteBytes("edges.csv.gz", whole[..^cut]);
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.StartsWith($"{path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("gzip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedCrcIsAnErrorNamingTheFile()
    {
        byte[] bytes = Gzip(Edges);
        bytes[^6] ^= 0x01;
        string path = WriteBytes("edges.csv.gz", bytes);
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}: damaged gzip data: no trailer matches the CRC-32 and length of the member starting at byte 10 (the file is cut short or a byte changed)", error.Message);
    }

    [Fact]
    public void AChangedByteInTheDataIsAnErrorNamingTheFile()
    {
        byte[] whole = Gzip(Edges);
        // Whatever the flip does to the deflate stream (invalid code, wrong text, early end), it must not pass.
        for (int at = 100; at < whole.Length - 8; at += whole.Length / 7)
        {
            byte[] bytes = (byte[])whole.Clone();
            bytes[at] ^= 0x40;
            string path = WriteBytes($"flip{at}.gz", bytes);
            var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
            Assert.StartsWith($"{path}: ", error.Message, StringComparison.Ordinal);
            Assert.Contains("gzip", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BytesAfterTheLastMemberAreAnError()
    {
        byte[] whole = Gzip(Edges);
        string path = WriteBytes("edges.csv.gz", [.. whole, 0, 0, 0]);
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}: damaged gzip data: byte {whole.Length} does not start a gzip member", error.Message);
    }

    [Fact]
    public void AFolderGivenAsTheFileIsAnErrorNamingIt()
    {
        var error = Assert.Throws<DataFormatException>(() => ReadAll(_files.Root));
        Assert.Equal($"{_files.Root}: is a folder, not a file", error.Message);
    }
}
