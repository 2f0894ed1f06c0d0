using GpuInference.Data;

namespace GpuInference.Tests.Data;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static List<string[]> ReadAll(string path, List<long>? lines = null)
    {
        var rows = new List<string[]>();
        using var csv = CsvReader.Open(path);
        while (csv.ReadRecord())
        {
            var row = new string[csv.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = csv.GetString(i);
            rows.Add(row);
            lines?.Add(csv.Line);
        }
        return rows;
    }

    [Fact]
    public void QuotedFieldsHoldCommasQuotesAndLineBreaks()
    {
        string path = _files.Write("q.csv", "a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,\"\"\n");
        var lines = new List<long>();
        var rows = ReadAll(path, lines);
        Assert.Equal(3, rows.Count);
        Assert.Equal(["x,1", "say \"hi\"", "two\nlines"], rows[1]);
        Assert.Equal(["plain", "", ""], rows[2]);
        Assert.Equal([1L, 2L, 4L], lines);
    }

    [Fact]
    public void CrLfAndLfGiveTheSameFieldsAndBlankLinesAreSkipped()
    {
        var lf = ReadAll(_files.Write("lf.csv", "id,v\n1,2\n\n3,4"));
        var crlf = ReadAll(_files.Write("crlf.csv", "\uFEFFid,v\r\n1,2\r\n\r\n3,4\r\n"));
        Assert.Equal(lf, crlf);
        Assert.Equal(["3", "4"], crlf[2]);
    }

    [Fact]
    public void GzipIsDetectedByContentNotName()
    {
        string path = _files.WriteGzip("edges.txt", "src,dst\n1,2\n");
        Assert.Equal(["1", "2"], ReadAll(path)[1]);
    }

    [Fact]
    public void Utf8TextSurvives()
    {
        Assert.Equal(["Zoë", "日本"], ReadAll(_files.Write("u.csv", "Zoë,\"日本\"\n"))[0]);
    }

    [Fact]
    public void RecordsLongerThanTheBufferAreRead()
    {
        string longField = new('x', 3 << 20);
        var rows = ReadAll(_files.Write("long.csv", $"a,b\n\"{longField}\",1\n2,3\n"));
        Assert.Equal(longField.Length, rows[1][0].Length);
        Assert.Equal(["2", "3"], rows[2]);
    }

    [Fact]
    public void UnclosedQuoteNamesTheLineWhereTheRecordStarts()
    {
        string path = _files.Write("bad.csv", "a,b\n1,2\n\"open,3\n4,5\n");
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}:3:1: quoted field is not closed before the end of the file", error.Message);
    }

    [Fact]
    public void TextAfterAClosingQuoteIsAnError()
    {
        string path = _files.Write("bad.csv", "a,b\n1,\"2\"x\n");
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}:2:2: unexpected character after a closing quote", error.Message);
    }

    [Fact]
    public void InvalidUtf8IsAnErrorNamingLineAndField()
    {
        // "n5\xe9": Latin-1 é; read as UTF-8 it would become U+FFFD, the same as "n5\xe8".
        string path = _files.PathOf("latin1.csv");
        File.WriteAllBytes(path, [.. "src,dst\nn1,n2\nn4,n5"u8, 0xE9, (byte)'\n']);
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}:3:2: not valid UTF-8: byte 0xE9 at byte 3 of the field (save the file as UTF-8)", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(150_001)]
    [InlineData(299_999)]
    public void InvalidUtf8FarIntoALargeFileNamesItsLine(int badLine)
    {
        // Bytes are checked a buffer at a time: a bad byte megabytes ahead must still fail on its own line, and
        // every record before it must be read.
        var bytes = new List<byte>("src,dst\n"u8.ToArray());
        for (int line = 2; line <= 300_000; line++)
        {
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes($"{line},n{line}"));
            if (line == badLine) bytes.Add(0xC3); // a lead byte with no continuation
            bytes.Add((byte)'\n');
        }
        string path = _files.PathOf("big.csv");
        File.WriteAllBytes(path, bytes.ToArray());
        int read = 0;
        var error = Assert.Throws<DataFormatException>(() =>
        {
            using var csv = CsvReader.Open(path);
            while (csv.ReadRecord()) read++;
        });
        Assert.Equal($"{path}:{badLine}:2: not valid UTF-8: byte 0xC3 at byte {badLine.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 2} of the field (save the file as UTF-8)", error.Message);
        Assert.Equal(badLine - 1, read);
    }

    [Fact]
    public void InvalidUtf8InsideAQuotedFieldNamesThatField()
    {
        string path = _files.PathOf("latin1.csv");
        File.WriteAllBytes(path, [.. "a,b,c\n1,\"x,"u8, 0xFF, (byte)'"', (byte)',', (byte)'3', (byte)'\n']);
        var error = Assert.Throws<DataFormatException>(() => ReadAll(path));
        Assert.Equal($"{path}:2:2: not valid UTF-8: byte 0xFF at byte 3 of the field (save the file as UTF-8)", error.Message);
    }

    [Fact]
    public void ARepeatedColumnNameIsAnErrorNamingBothColumns()
    {
        string path = _files.Write("dup.csv", "src,dst, src\n1,2,3\n");
        using var csv = CsvReader.Open(path);
        var error = Assert.Throws<DataFormatException>(() => CsvHeader.Read(csv));
        Assert.Equal($"{path}:1:3: column name 'src' is given twice (columns 1 and 3)", error.Message);
    }
}
