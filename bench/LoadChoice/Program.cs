using System.Diagnostics;
using GpuInference.Data;
using GpuInference.Graph;
using nietras.SeparatedValues;
using Sylvan.Data.Csv;

// Measures where loading time goes and compares CSV parsers on an edges file (integer src, dst).
//   parse-ours   EDGES.csv        our CsvReader: every src and dst parsed as a canonical integer
//   parse-sep    EDGES.csv        the same with Sep
//   parse-sylvan EDGES.csv        the same with Sylvan.Data.Csv
//   phases       NODES EDGES      nodes table; edges parse + id lookup; CSR build; each timed alone
//   load         NODES EDGES      NodeTableReader.Read then EdgeListReader.Read, as analyze loads
//   pack         NODES EDGES OUT  loads, then writes a pack file
//   load-pack    PACK             DatasetPack.Read
//   decode-parquet FILE [THREADS] [strings|memory]
//                                 Parquet.Net's decoding alone: every column of every row group, on THREADS threads
//   nodes-to-parquet NODES OUT    writes the nodes table as Parquet (int64 id, banner, feed, logged_in; double voted;
//                                 text vote2010; Snappy, row groups of 2^20 rows), the twin of edges.parquet
// Each command prints one line per step: name, seconds, and a checksum so that every path provably read the same values.
string command = args[0];
var clock = Stopwatch.StartNew();
switch (command)
{
    case "parse-ours":
    {
        using var csv = CsvReader.Open(args[1]);
        csv.ReadRecord();
        int srcAt = IndexOf(csv, "src"), dstAt = IndexOf(csv, "dst");
        long rows = 0, sum = 0;
        while (csv.ReadRecord())
        {
            if (!Utf8Fields.TryParseCanonicalInteger(csv[srcAt], out long s) || !Utf8Fields.TryParseCanonicalInteger(csv[dstAt], out long d))
                throw csv.Error(srcAt, "not an integer");
            sum += s * 31 + d;
            rows++;
        }
        Report(command, rows, clock, sum);
        break;
    }
    case "parse-sep":
    {
        using var reader = Sep.Reader(o => o with { Sep = new Sep(','), DisableColCountCheck = false }).FromFile(args[1]);
        int srcAt = reader.Header.IndexOf("src"), dstAt = reader.Header.IndexOf("dst");
        long rows = 0, sum = 0;
        foreach (var row in reader)
        {
            sum += row[srcAt].Parse<long>() * 31 + row[dstAt].Parse<long>();
            rows++;
        }
        Report(command, rows, clock, sum);
        break;
    }
    case "parse-sylvan":
    {
        using var csv = CsvDataReader.Create(args[1]);
        int srcAt = csv.GetOrdinal("src"), dstAt = csv.GetOrdinal("dst");
        long rows = 0, sum = 0;
        while (csv.Read())
        {
            sum += csv.GetInt64(srcAt) * 31 + csv.GetInt64(dstAt);
            rows++;
        }
        Report(command, rows, clock, sum);
        break;
    }
    case "phases":
    {
        NodeTable nodes = NodeTableReader.Read(args[1]);
        Report("nodes", nodes.Count, clock, nodes.Ids!.IsInteger ? 1 : 0);
        clock.Restart();
        using var csv = CsvReader.Open(args[2]);
        csv.ReadRecord();
        int srcAt = IndexOf(csv, "src"), dstAt = IndexOf(csv, "dst");
        var sources = new List<int>(1 << 20);
        var targets = new List<int>(1 << 20);
        long parsed = 0;
        while (csv.ReadRecord())
        {
            if (!Utf8Fields.TryParseCanonicalInteger(csv[srcAt], out long s) || !Utf8Fields.TryParseCanonicalInteger(csv[dstAt], out long d))
                throw csv.Error(srcAt, "not an integer");
            parsed += s ^ d;
        }
        Report("edges parse", csv.RecordCount - 1, clock, parsed);
        clock.Restart();
        using var again = CsvReader.Open(args[2]);
        again.ReadRecord();
        while (again.ReadRecord())
        {
            nodes.Ids.TryGetNode(again[srcAt], out int s);
            nodes.Ids.TryGetNode(again[dstAt], out int d);
            sources.Add(s);
            targets.Add(d);
        }
        Report("edges parse+lookup", sources.Count, clock, 0);
        clock.Restart();
        CsrGraph graph = CsrGraphBuilder.Build(nodes.Count, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sources),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(targets));
        Report("csr build", graph.EdgeCount, clock, graph.Columns.Sum(c => (long)c));
        break;
    }
    case "load":
    {
        NodeTable nodes = NodeTableReader.Read(args[1]);
        Report("load nodes", nodes.Count, clock, nodes.Outcome.Length);
        var split = clock.Elapsed;
        CsrGraph graph = EdgeListReader.Read(args[2], nodes.Ids!);
        Report("load edges", graph.EdgeCount, clock.Elapsed - split, GraphChecksum(graph));
        Report("load", graph.EdgeCount, clock.Elapsed, 0);
        break;
    }
    case "pack":
    {
        NodeTable nodes = NodeTableReader.Read(args[1]);
        CsrGraph graph = EdgeListReader.Read(args[2], nodes.Ids!);
        DatasetPack.Write(args[3], nodes, graph);
        Report(command, graph.EdgeCount, clock, GraphChecksum(graph));
        break;
    }
    case "load-pack":
    {
        PackedDataset data = DatasetPack.Read(args[1]);
        Report(command, data.Graph.EdgeCount, clock, GraphChecksum(data.Graph));
        break;
    }
    case "decode-parquet":
    {
        // Only Parquet.Net's decoding: every column of every row group into arrays, nothing parsed or checked, on
        // args[2] threads (default 1), each with its own reader of the file, taking row groups in turn. Text columns
        // are read as strings (as the library reads them), or with args[3] = memory as ReadOnlyMemory<char> values.
        int threads = args.Length > 2 ? int.Parse(args[2]) : 1;
        bool textAsMemory = args.Length > 3 && args[3] == "memory";
        int groups;
        using (var stream = File.OpenRead(args[1]))
            groups = Parquet.ParquetReader.CreateAsync(stream).GetAwaiter().GetResult().RowGroupCount;
        long rows = 0;
        int next = -1;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            using var stream = File.OpenRead(args[1]);
            var reader = Parquet.ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            int g;
            while ((g = Interlocked.Increment(ref next)) < groups)
            {
                using var group = reader.OpenRowGroupReader(g);
                int n = checked((int)reader.RowGroups[g].RowCount);
                foreach (var field in reader.Schema.GetDataFields())
                {
                    if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
                    {
                        if (textAsMemory)
                            group.ReadRawAsync<ReadOnlyMemory<char>>(field, new ReadOnlyMemory<char>[n].AsMemory(), new int[n].AsMemory(), null).GetAwaiter().GetResult();
                        else group.ReadAsync(field, new string?[n].AsMemory()!).GetAwaiter().GetResult();
                    }
                    else if (field.ClrType == typeof(double)) group.ReadAsync<double>(field, new double?[n].AsMemory()).GetAwaiter().GetResult();
                    else if (field.IsNullable) group.ReadAsync<long>(field, new long?[n].AsMemory()).GetAwaiter().GetResult();
                    else group.ReadAsync<long>(field, new long[n].AsMemory()).GetAwaiter().GetResult();
                    Interlocked.Add(ref rows, n);
                }
            }
        });
        Report(command, rows, clock, 0);
        break;
    }
    case "nodes-to-parquet":
    {
        NodeTable nodes = NodeTableReader.Read(args[1]);
        var fields = new Parquet.Schema.DataField[]
        {
            new Parquet.Schema.DataField<long>("id"), new Parquet.Schema.DataField<double?>("voted"), new Parquet.Schema.DataField<long>("banner"),
            new Parquet.Schema.DataField<long>("feed"), new Parquet.Schema.DataField<string>("vote2010"), new Parquet.Schema.DataField<long>("logged_in"),
        };
        using var stream = File.Create(args[2]);
        var writer = Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), stream,
            new Parquet.ParquetOptions { CompressionMethod = Parquet.CompressionMethod.Snappy }).GetAwaiter().GetResult();
        const int RowGroupRows = 1 << 20;
        for (int start = 0; start < nodes.Count; start += RowGroupRows)
        {
            int n = Math.Min(RowGroupRows, nodes.Count - start);
            using var group = writer.CreateRowGroup();
            var range = Enumerable.Range(start, n);
            group.WriteAsync<long>(fields[0], range.Select(i => nodes.Ids!.IntegerIds![i]).ToArray().AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync<double>(fields[1], range.Select(i => double.IsNaN(nodes.Outcome[i]) ? (double?)null : nodes.Outcome[i]).ToArray().AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync<long>(fields[2], range.Select(i => (long)(nodes.Cells[i] & TreatmentCell.Banner)).ToArray().AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync<long>(fields[3], range.Select(i => (long)(nodes.Cells[i] & TreatmentCell.Feed) / 2).ToArray().AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync(fields[4], range.Select(i => nodes.Vote2010Levels[nodes.Vote2010[i]]).ToArray()).GetAwaiter().GetResult();
            group.WriteAsync<long>(fields[5], range.Select(i => (long)nodes.LoggedIn![i]).ToArray().AsMemory()).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Report(command, nodes.Count, clock, 0);
        break;
    }
    default:
        throw new ArgumentException($"unknown command {command}");
}

static int IndexOf(CsvReader csv, string name)
{
    for (int i = 0; i < csv.FieldCount; i++)
        if (csv.GetString(i) == name) return i;
    throw new ArgumentException($"no column {name}");
}

static long GraphChecksum(CsrGraph graph)
{
    long sum = 0;
    for (int i = 0; i < graph.Columns.Length; i++) sum = sum * 1_000_003 + graph.Columns[i];
    for (int i = 0; i < graph.RowOffsets.Length; i++) sum = sum * 1_000_003 + graph.RowOffsets[i];
    return sum;
}

static void Report(string what, long rows, object elapsed, long checksum)
{
    double seconds = elapsed switch { Stopwatch s => s.Elapsed.TotalSeconds, TimeSpan t => t.TotalSeconds, _ => 0 };
    Console.WriteLine($"{what}\trows={rows}\tseconds={seconds:F2}\tchecksum={checksum}");
}
