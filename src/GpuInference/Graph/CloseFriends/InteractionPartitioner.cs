using System.Buffers.Text;
using System.IO.Compression;
using GpuInference.Data;

namespace GpuInference.Graph.CloseFriends;

/// <summary>One spill file of interaction rows, all of whose people (src) hash to it.</summary>
internal sealed record PartitionFile(string Path, long Rows, long Bytes);

/// <summary>What the first pass counted while it read the file.</summary>
internal sealed record ReadCounts(long InputRows, long ZeroCountRows, long SelfActionRows, long SelfActions, long Actions);

/// <summary>
/// The first pass: reads the interaction CSV once, checks every row, drops the rows the rules drop, and writes the
/// rest to partition files by a hash of the person (src), so that each person's rows end up in one partition and
/// each partition can later be aggregated within the memory budget. A spilled row is src, dst (encoded by
/// <see cref="PersonId"/>) and the count as a varint: about 11 bytes for integer ids.
/// </summary>
internal static class InteractionPartitioner
{
    /// <summary>Most partitions written at once (each holds an open file and a buffer).</summary>
    public const int MaxPartitions = 256;

    public static (PartitionFile[] Partitions, ReadCounts Counts) Partition(
        string path, string folder, CloseFriendOptions options, int workers, IAnalysisProgress progress)
    {
        long fileBytes = new FileInfo(path).Length;
        using IRecordSource csv = RecordFile.Open(path);
        // Each of the second pass's workers aggregates one partition at a time in its share of the budget.
        // Rows are guessed from the size (about 12 bytes a plain row, 3 a gzip one: a guess on the high side, which
        // only makes partitions smaller), and known exactly in a Parquet file; a partition that still outgrows the
        // budget is split again later.
        long guessedRows = csv is ParquetRecordSource ? csv.ExpectedRecords : IsGzip(path) ? fileBytes / 3 : fileBytes / 12;
        int count = (int)Math.Clamp((guessedRows * PairAggregator.BytesPerRow * 5 / 4) / PairAggregator.RowBudget(options.MemoryBytes / workers) + 1, 1, MaxPartitions);
        int bufferSize = (int)Math.Clamp(options.MemoryBytes / 2 / count, 4096, 1 << 20);

        int srcAt = csv.Require(options.SourceColumn, ColumnKind.Id);
        int dstAt = csv.Require(options.TargetColumn, ColumnKind.Id);
        int countAt = csv.Require(options.CountColumn, ColumnKind.Integer);

        var writers = new SpillWriter[count];
        var rows = new long[count];
        long inputRows = 0, zeroRows = 0, selfRows = 0, selfActions = 0, actions = 0;
        byte[] srcBytes = new byte[64], dstBytes = new byte[64];
        progress.Begin("reading interactions", fileBytes);
        try
        {
            for (int p = 0; p < count; p++) writers[p] = new SpillWriter(Path.Combine(folder, $"rows-{p}.bin"), bufferSize);
            while (csv.ReadRecord())
            {
                inputRows++;
                var src = Id(csv, srcAt, options.SourceColumn);
                var dst = Id(csv, dstAt, options.TargetColumn);
                long n = Count(csv, countAt, options.CountColumn);
                if ((inputRows & 0xFFFF) == 0) progress.Advance(csv.Position);
                if (n == 0) { zeroRows++; continue; }
                if (src.SequenceEqual(dst))
                {
                    selfRows++;
                    selfActions = Add(csv, countAt, selfActions, n);
                    continue;
                }
                actions = Add(csv, countAt, actions, n);
                int srcLength = Encode(src, ref srcBytes);
                int dstLength = Encode(dst, ref dstBytes);
                int p = PersonId.Bucket(PersonId.Hash(srcBytes.AsSpan(0, srcLength), 0), count);
                var writer = writers[p];
                writer.WriteBytes(srcBytes.AsSpan(0, srcLength));
                writer.WriteBytes(dstBytes.AsSpan(0, dstLength));
                writer.WriteVarint((ulong)n);
                rows[p]++;
            }
        }
        finally
        {
            foreach (var writer in writers) writer?.Dispose();
        }
        progress.End();
        var files = new PartitionFile[count];
        for (int p = 0; p < count; p++) files[p] = new PartitionFile(writers[p].Path, rows[p], new FileInfo(writers[p].Path).Length);
        return (files, new ReadCounts(inputRows, zeroRows, selfRows, selfActions, actions));
    }

    private static bool IsGzip(string path)
    {
        using var probe = File.OpenRead(path);
        return probe.ReadByte() == 0x1F && probe.ReadByte() == 0x8B;
    }

    /// <summary>An id field: surrounding spaces removed (as for every other field), not empty, valid UTF-8.</summary>
    private static ReadOnlySpan<byte> Id(IRecordSource csv, int at, string column)
    {
        var text = csv[at].Trim((byte)' ');
        if (text.IsEmpty) throw csv.Error(at, $"column '{column}': empty id");
        if (!System.Text.Unicode.Utf8.IsValid(text)) throw csv.Error(at, $"column '{column}': id is not valid UTF-8: {DataFormatException.Quote(text)}");
        return text;
    }

    /// <summary>A count: a whole number ≥ 0 (surrounding spaces allowed); negative, fractional or too large is an error.</summary>
    private static long Count(IRecordSource csv, int at, string column)
    {
        var text = csv[at].Trim((byte)' ');
        if (!Utf8Parser.TryParse(text, out long n, out int used) || used != text.Length || text.IsEmpty)
            throw csv.Error(at, $"column '{column}': {DataFormatException.Quote(text)} is not a whole number of actions");
        if (n < 0) throw csv.Error(at, $"column '{column}': negative count {n} (a count of actions is 0 or more)");
        return n;
    }

    private static long Add(IRecordSource csv, int at, long sum, long n) =>
        sum <= long.MaxValue - n ? sum + n : throw csv.Error(at, "the actions in the file add up to more than 2^63 - 1");

    private static int Encode(ReadOnlySpan<byte> text, ref byte[] into)
    {
        int needed = PersonId.MaxEncodedLength(text.Length);
        if (into.Length < needed) into = new byte[needed];
        return PersonId.Encode(text, into);
    }
}
