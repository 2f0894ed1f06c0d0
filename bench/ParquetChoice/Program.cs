using System.Buffers.Text;
using System.Diagnostics;
using ParquetSharp;

// Chooses a Parquet library by measuring both on the same edge list (int64 src, dst).
//   convert-sharp EDGES.csv OUT.parquet   write with ParquetSharp (Snappy, row groups of 2^20 rows)
//   convert-net   EDGES.csv OUT.parquet   write with Parquet.Net (the same layout)
//   read-sharp    FILE.parquet            read every src and dst into int64 arrays with ParquetSharp
//   read-net      FILE.parquet            the same with Parquet.Net
// Each command prints one line: what it did, rows, seconds, and a checksum so that both readers provably read the same values.
const int RowGroupRows = 1 << 20;
string command = args[0];
var clock = Stopwatch.StartNew();
switch (command)
{
    case "convert-sharp":
    {
        using var writer = new ParquetFileWriter(args[2], new Column[] { new Column<long>("src"), new Column<long>("dst") }, Compression.Snappy);
        long rows = 0;
        foreach (var (src, dst, n) in ReadCsv(args[1], RowGroupRows))
        {
            using var group = writer.AppendRowGroup();
            using (var w = group.NextColumn().LogicalWriter<long>()) w.WriteBatch(src, 0, n);
            using (var w = group.NextColumn().LogicalWriter<long>()) w.WriteBatch(dst, 0, n);
            rows += n;
        }
        writer.Close();
        Report(command, rows, clock, 0);
        break;
    }
    case "convert-net":
    {
        var srcField = new Parquet.Schema.DataField<long>("src");
        var dstField = new Parquet.Schema.DataField<long>("dst");
        var schema = new Parquet.Schema.ParquetSchema(srcField, dstField);
        using var stream = File.Create(args[2]);
        await using var writer = await Parquet.ParquetWriter.CreateAsync(schema, stream, new Parquet.ParquetOptions { CompressionMethod = Parquet.CompressionMethod.Snappy });
        long rows = 0;
        foreach (var (src, dst, n) in ReadCsv(args[1], RowGroupRows))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(srcField, src.AsMemory(0, n));
            await group.WriteAsync<long>(dstField, dst.AsMemory(0, n));
            rows += n;
        }
        Report(command, rows, clock, 0);
        break;
    }
    case "read-sharp":
    {
        using var file = new ParquetFileReader(args[1]);
        int groups = file.FileMetaData.NumRowGroups;
        long total = file.FileMetaData.NumRows;
        var src = new long[total];
        var dst = new long[total];
        long at = 0;
        for (int g = 0; g < groups; g++)
        {
            using var group = file.RowGroup(g);
            int n = checked((int)group.MetaData.NumRows);
            using (var r = group.Column(0).LogicalReader<long>()) r.ReadBatch(src.AsSpan((int)at, n));
            using (var r = group.Column(1).LogicalReader<long>()) r.ReadBatch(dst.AsSpan((int)at, n));
            at += n;
        }
        Report(command, at, clock, Checksum(src, dst));
        break;
    }
    case "read-net":
    {
        using var stream = File.OpenRead(args[1]);
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++) total += reader.RowGroups[g].RowCount;
        var src = new long[total];
        var dst = new long[total];
        long at = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)reader.RowGroups[g].RowCount);
            await group.ReadAsync<long>(fields[0], src.AsMemory((int)at, n));
            await group.ReadAsync<long>(fields[1], dst.AsMemory((int)at, n));
            at += n;
        }
        Report(command, at, clock, Checksum(src, dst));
        break;
    }
    default:
        throw new ArgumentException($"unknown command '{command}'");
}

static void Report(string command, long rows, Stopwatch clock, long checksum) =>
    Console.WriteLine(FormattableString.Invariant($"{command}\t{rows}\t{clock.Elapsed.TotalSeconds:F3}\t{checksum}"));

static long Checksum(long[] src, long[] dst)
{
    long sum = 0;
    for (int i = 0; i < src.Length; i++) sum = unchecked(sum * 31 + src[i] * 7 + dst[i]);
    return sum;
}

// The edges CSV as batches of (src, dst) arrays; a plain "src,dst" file of integers, as `gpuinference simulate` writes it.
static IEnumerable<(long[] Src, long[] Dst, int N)> ReadCsv(string path, int batch)
{
    var src = new long[batch];
    var dst = new long[batch];
    int n = 0;
    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
    var buffer = new byte[1 << 22];
    int start = 0, end = 0;
    bool header = true;
    while (true)
    {
        int read = stream.Read(buffer, end, buffer.Length - end);
        end += read;
        while (true)
        {
            int nl = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (nl < 0) break;
            var line = buffer.AsSpan(start, nl - start);
            start = nl + 1;
            if (header) { header = false; continue; }
            int comma = line.IndexOf((byte)',');
            Utf8Parser.TryParse(line[..comma], out long s, out _);
            Utf8Parser.TryParse(line[(comma + 1)..].TrimEnd((byte)'\r'), out long d, out _);
            src[n] = s;
            dst[n] = d;
            if (++n == batch) { yield return (src, dst, n); n = 0; }
        }
        if (read == 0) break;
        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
    }
    if (n > 0) yield return (src, dst, n);
}
