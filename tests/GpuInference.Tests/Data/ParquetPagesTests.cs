using System.Globalization;
using System.Text;
using GpuInference.Data;
using GpuInference.Tests.Cli;
using Parquet;
using Parquet.Schema;
using static GpuInference.Tests.Data.HandWrittenParquet;

namespace GpuInference.Tests.Data;

/// <summary>
/// The Parquet page decoder (Data/ParquetPages): every page shape it reads gives each row what the file holds, on
/// files Parquet.Net wrote and on files written byte by byte from the specification (data pages of both versions,
/// several pages per chunk, dictionaries, RLE booleans, page CRCs); a page whose CRC fails is an error naming the file,
/// column and row group; what it does not decode goes through Parquet.Net to the same values.
/// </summary>
public sealed class ParquetPagesTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const int Rows = 130;

    private static long?[] Ids => [.. Enumerable.Range(0, Rows).Select(i => (long?)(i * 7 - 300))];

    private static long?[] WithNulls => [.. Enumerable.Range(0, Rows).Select(i => i % 5 == 2 ? null : (long?)(i % 4 == 0 ? long.MinValue + i : i * 1_000_003L))];

    private static string[] Text => [.. Enumerable.Range(0, Rows).Select(i => i % 6 == 1 ? null! : i % 3 == 0 ? "voted" : i % 3 == 1 ? "ñandú " + (i % 4) : "didn't")];

    private static bool?[] Flags => [.. Enumerable.Range(0, Rows).Select(i => i % 7 == 3 ? null : (bool?)(i % 3 != 0))];

    public static TheoryData<int, bool, bool, int, Values> Layouts()
    {
        var data = new TheoryData<int, bool, bool, int, Values>();
        foreach (int version in new[] { 1, 2 })
        foreach (bool crc in new[] { false, true })
        foreach (bool snappy in new[] { false, true })
        foreach (Values encoding in new[] { Values.Plain, Values.Dictionary })
            data.Add(version, crc, snappy, crc ? 7 : int.MaxValue, encoding);
        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryPageShapeGivesTheRowsWritten(int version, bool crc, bool snappy, int rowsPerPage, Values encoding)
    {
        var layout = new Layout(version, crc, snappy, rowsPerPage, encoding);
        string path = HandWrittenParquet.Write(_files.PathOf("shape.parquet"), 50, layout,
            new Column("id", Ids), new Column("x", WithNulls), new Column("name", Text));
        AssertReadsAs(path, ("id", Ids), ("x", WithNulls), ("name", Text));
        AssertParquetNetReadsAs(path, ("id", Ids), ("x", WithNulls), ("name", Text));
    }

    [Theory]
    [InlineData(1, Values.Plain)]
    [InlineData(1, Values.Rle)]
    [InlineData(2, Values.Plain)]
    [InlineData(2, Values.Rle)]
    public void BooleansPlainOrRunLengthGiveOneAndZero(int version, Values encoding)
    {
        bool?[] required = [.. Enumerable.Range(0, Rows).Select(i => (bool?)(i % 5 < 2))];
        string path = HandWrittenParquet.Write(_files.PathOf("flags.parquet"), 40, new Layout(version, Crc: true, RowsPerPage: 9, Encoding: encoding),
            new Column("flag", Flags), new Column("always", required));
        AssertReadsAs(path, ("flag", Flags), ("always", required));
        // Parquet.Net 6.1 reads run-length encoded booleans as all false (as other readers did before they learned the
        // encoding's length prefix), so only the plain ones are checked against it; the run-length writer is the same
        // hybrid encoder whose definition levels and dictionary indices Parquet.Net reads right in the other tests.
        if (encoding == Values.Plain) AssertParquetNetReadsAs(path, ("flag", Flags), ("always", required));
    }

    [Fact]
    public void RunLengthBooleansInACodecTheDecoderLacksAreAnErrorNotFalse()
    {
        string plain = HandWrittenParquet.Write(_files.PathOf("brotli-plain.parquet"), 40, new Layout(Brotli: true), new Column("flag", Flags));
        AssertReadsAs(plain, expectDecoded: false, ("flag", Flags));
        AssertParquetNetReadsAs(plain, ("flag", Flags));

        string rle = HandWrittenParquet.Write(_files.PathOf("brotli-rle.parquet"), 40, new Layout(Brotli: true, Encoding: Values.Rle), new Column("flag", Flags));
        var e = Assert.Throws<DataFormatException>(() => ReadAll(rle));
        Assert.Equal($"{rle}: column 'flag', row group 0: booleans run-length encoded and compressed with BROTLI cannot be read here "
            + "(the general reader would take them all for false); write the file with Snappy, gzip, zstd or no compression", e.Message);
    }

    public static TheoryData<CompressionMethod, bool> Codecs() => new()
    {
        { CompressionMethod.None, false }, { CompressionMethod.Snappy, false }, { CompressionMethod.Gzip, true },
        { CompressionMethod.Zstd, false }, { CompressionMethod.Snappy, true },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void FilesParquetNetWritesAreDecodedToTheirValues(CompressionMethod codec, bool dictionaryText)
    {
        long[] whole = [.. Enumerable.Range(0, Rows).Select(i => (long)i * 31 - 7)];
        int[] narrow = [.. Enumerable.Range(0, Rows).Select(i => i % 2 == 0 ? int.MinValue + i : i)];
        double?[] reals = [.. Enumerable.Range(0, Rows).Select(i => i % 9 == 4 ? null : (double?)(i / 7.0 - 3))];
        byte[][] binary = [.. Enumerable.Range(0, Rows).Select(i => Encoding.UTF8.GetBytes($"b{i % 11}"))];
        string path = ParquetTestFiles.WriteCompressed(_files.PathOf("net.parquet"), 45, codec, dictionaryText,
            new ParquetTestFiles.Column("whole", whole), new ParquetTestFiles.Column("narrow", narrow),
            new ParquetTestFiles.Column("x", WithNulls), new ParquetTestFiles.Column("real", reals),
            new ParquetTestFiles.Column("flag", Flags), new ParquetTestFiles.Column("name", Text),
            new ParquetTestFiles.Column("blob", binary));
        if (dictionaryText) Assert.Contains(ParquetTestFiles.Encodings(path)["name"], e => e is "PLAIN_DICTIONARY" or "RLE_DICTIONARY");
        AssertReadsAs(path, ("whole", whole), ("narrow", narrow), ("x", WithNulls), ("real", reals), ("flag", Flags), ("name", Text), ("blob", binary));
    }

    [Fact]
    public void ACodecTheDecoderLacksGoesThroughParquetNetToTheSameValues()
    {
        string path = ParquetTestFiles.WriteCompressed(_files.PathOf("brotli.parquet"), 45, CompressionMethod.Brotli, false,
            new ParquetTestFiles.Column("x", WithNulls), new ParquetTestFiles.Column("name", Text));
        AssertReadsAs(path, expectDecoded: false, ("x", WithNulls), ("name", Text));
    }

    [Fact]
    public void APageWhoseBytesChangedFailsItsCrcNamingTheFileColumnAndRowGroup()
    {
        string[] names = [.. Enumerable.Range(0, Rows).Select(i => i == 77 ? "zebra-crossing" : "voted")];
        var layout = new Layout(Crc: true, RowsPerPage: 20);
        string good = HandWrittenParquet.Write(_files.PathOf("good.parquet"), 50, layout, new Column("id", Ids), new Column("name", names));
        AssertReadsAs(good, ("id", Ids), ("name", names));

        string damaged = Corrupt(good, "zebra", "zEbra", "damaged.parquet");
        var e = Assert.Throws<DataFormatException>(() => ReadAll(damaged));
        Assert.Equal($"{damaged}: column 'name', row group 1 cannot be read (damaged file?): page 1 of the column chunk fails its CRC check "
            + $"(stored {StoredCrcOfPage(good, "zebra")}, computed {StoredCrcOfPage(damaged, "zEbra", compute: true)}): the file is damaged", e.Message);

        // Without CRCs the same change reads as other text: the check is what catches it.
        string plain = HandWrittenParquet.Write(_files.PathOf("plain.parquet"), 50, layout with { Crc = false }, new Column("id", Ids), new Column("name", names));
        string changed = Corrupt(plain, "zebra", "zEbra", "changed.parquet");
        Assert.Contains("zEbra-crossing", ReadAll(changed)["name"]);
    }

    [Fact]
    public void ANodesFileWithADamagedPageIsBadInputWithNoReport()
    {
        const int n = 300, groupRows = 64;
        var random = new System.Random(5);
        long?[] ids = [.. Enumerable.Range(1, n).Select(i => (long?)i)];
        long?[] voted = [.. Enumerable.Range(0, n).Select(_ => (long?)random.Next(2))];
        long?[] banner = [.. Enumerable.Range(0, n).Select(_ => (long?)random.Next(2))];
        long?[] feed = [.. Enumerable.Range(0, n).Select(_ => (long?)random.Next(2))];
        string[] vote = [.. Enumerable.Range(0, n).Select(_ => random.Next(3) == 0 ? "abstained" : "voted")];
        string nodes = HandWrittenParquet.Write(_files.PathOf("nodes-good.parquet"), groupRows, new Layout(Crc: true),
            new Column("id", ids), new Column("voted", voted), new Column("banner", banner), new Column("feed", feed), new Column("vote2010", vote));
        string edges = _files.Write("edges.csv", "src,dst\n" + string.Concat(Enumerable.Range(0, 4 * n).Select(_ => $"{random.Next(1, n + 1)},{random.Next(1, n + 1)}\n")));
        var ok = CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--permutations", "5", "--backend", "cpu", "--out", _files.PathOf("ok"));
        Assert.True(ok.Exit == 0, ok.Error);

        string damaged = Corrupt(nodes, "abstained", "abstaineD", "nodes.parquet");
        string outDir = _files.PathOf("report");
        var run = CliRunner.Run("analyze", "--nodes", damaged, "--edges", edges, "--permutations", "5", "--backend", "cpu", "--out", outDir);
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{damaged}: column 'vote2010', row group {Array.IndexOf(vote, "abstained") / groupRows} cannot be read (damaged file?): page 0 of the column chunk fails its CRC check", run.Error);
        Assert.False(File.Exists(Path.Combine(outDir, "null.csv")));
    }

    [Theory]
    [InlineData(1, Values.Plain)]
    [InlineData(1, Values.Dictionary)]
    [InlineData(2, Values.Plain)]
    [InlineData(2, Values.Dictionary)]
    public void WithPageCrcsEveryChangedByteIsAnErrorOrChangesNothing(int version, Values encoding)
    {
        // Every byte of every page, changed in two ways: the file either fails with an error naming it, or (a change
        // to a field the reading does not use) reads to the very rows written. Never another exception, never other rows.
        const int n = 24;
        long?[] ids = [.. Ids.Take(n)];
        long?[] x = [.. WithNulls.Take(n)];
        string[] names = [.. Text.Take(n)];
        bool?[] flags = [.. Flags.Take(n)];
        string path = HandWrittenParquet.Write(_files.PathOf("whole.parquet"), 10, new Layout(version, Crc: true, Snappy: version == 2, RowsPerPage: 6, Encoding: encoding),
            new Column("id", ids), new Column("x", x), new Column("name", names), new Column("flag", flags));
        var expected = ReadAll(path);
        byte[] bytes = File.ReadAllBytes(path);
        int footer = bytes.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8);
        string damaged = _files.PathOf("flipped.parquet");
        int errors = 0;
        for (int at = 4; at < footer; at++)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80 })
            {
                byte[] copy = (byte[])bytes.Clone();
                copy[at] ^= flip;
                File.WriteAllBytes(damaged, copy);
                Dictionary<string, List<string>> read;
                try
                {
                    read = ReadAll(damaged);
                }
                catch (DataFormatException e)
                {
                    Assert.StartsWith($"{damaged}: ", e.Message);
                    errors++;
                    continue;
                }
                foreach (var (name, cells) in expected) Assert.True(cells.SequenceEqual(read[name]), $"byte {at} ^ {flip:x2} changed column '{name}' unseen: {PageAround(bytes, at)} became {PageAround(copy, at)}");
            }
        }
        Assert.True(errors > (footer - 4), $"only {errors} of {2 * (footer - 4)} changes were errors");
    }

    /// <summary>The header of the page that holds byte <paramref name="at"/>, for a failure message.</summary>
    private static string PageAround(byte[] bytes, int at)
    {
        int page = 4;
        try
        {
            while (page < bytes.Length)
            {
                var h = GpuInference.Data.ParquetPages.PageHeader.Read(bytes.AsSpan(page));
                if (at < page + h.Length + h.CompressedSize)
                    return $"page at {page} (byte {at - page}): {h.Type}, {h.NumValues} values, encoding {h.Encoding}, levels {h.DefinitionLevelEncoding}, header {h.Length} bytes, body {h.CompressedSize}/{h.UncompressedSize}, CRC {h.Crc}";
                page += h.Length + h.CompressedSize;
            }
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        return "past the pages";
    }

    /// <summary>A copy of <paramref name="path"/> with the first <paramref name="from"/> replaced by <paramref name="to"/> (same length).</summary>
    private string Corrupt(string path, string from, string to, string name)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(from));
        Assert.True(at > 0, $"'{from}' is not in the file");
        Encoding.UTF8.GetBytes(to).CopyTo(bytes, at);
        string copy = _files.PathOf(name);
        File.WriteAllBytes(copy, bytes);
        return copy;
    }

    /// <summary>The CRC the header of the page holding <paramref name="text"/> stores, or the CRC of its bytes as they are.</summary>
    private static string StoredCrcOfPage(string path, string text, bool compute = false)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        // Walk the pages from the first column chunk's start: the header just before the text's page is the one.
        int page = 4;
        while (true)
        {
            var header = GpuInference.Data.ParquetPages.PageHeader.Read(bytes.AsSpan(page));
            int body = page + header.Length;
            if (at < body + header.CompressedSize)
            {
                uint crc = compute ? System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(body, header.CompressedSize)) : (uint)header.Crc!.Value;
                return crc.ToString("x8", CultureInfo.InvariantCulture);
            }
            page = body + header.CompressedSize;
        }
    }

    /// <summary>Every cell of every column, as the readers see it.</summary>
    private static Dictionary<string, List<string>> ReadAll(string path, bool? expectDecoded = null)
    {
        using var source = ParquetRecordSource.Open(path);
        int[] at = [.. source.Header.Select(name => source.Optional(name, ColumnKind.Any))];
        var cells = source.Header.ToDictionary(name => name, _ => new List<string>());
        while (source.ReadRecord())
        {
            for (int c = 0; c < at.Length; c++)
            {
                if (expectDecoded is bool decoded) Assert.Equal(decoded, source.IsDecodedFromPages(at[c]));
                cells[source.Header[c]].Add(Encoding.UTF8.GetString(source[at[c]]));
            }
        }
        return cells;
    }

    private static void AssertReadsAs(string path, params (string Name, Array Values)[] columns) => AssertReadsAs(path, true, columns);

    private static void AssertReadsAs(string path, bool expectDecoded, params (string Name, Array Values)[] columns)
    {
        var cells = ReadAll(path, expectDecoded);
        foreach (var (name, values) in columns) Assert.Equal(values.Cast<object?>().Select(TextOf), cells[name]);
    }

    /// <summary>What a cell holding <paramref name="value"/> reads as: numbers in their invariant (round-trip) form, booleans 1/0, nulls empty.</summary>
    private static string TextOf(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    /// <summary>Parquet.Net reads the hand-written file to the same values: the writer follows the format.</summary>
    private static void AssertParquetNetReadsAs(string path, params (string Name, Array Values)[] columns)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            foreach (var (name, values) in columns)
            {
                DataField field = reader.Schema.GetDataFields().Single(f => f.Name == name);
                var read = new List<string>();
                for (int g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    int n = (int)group.RowCount;
                    if (field.ClrType == typeof(long))
                    {
                        var v = new long?[n];
                        group.ReadAsync<long>(field, v.AsMemory()).GetAwaiter().GetResult();
                        read.AddRange(v.Select(x => TextOf(x)));
                    }
                    else if (field.ClrType == typeof(bool))
                    {
                        var v = new bool?[n];
                        group.ReadAsync<bool>(field, v.AsMemory()).GetAwaiter().GetResult();
                        read.AddRange(v.Select(x => TextOf(x)));
                    }
                    else
                    {
                        var v = new string?[n];
                        group.ReadAsync(field, v.AsMemory()!).GetAwaiter().GetResult();
                        read.AddRange(v.Select(x => TextOf(x)));
                    }
                }
                Assert.Equal(values.Cast<object?>().Select(TextOf), read);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
