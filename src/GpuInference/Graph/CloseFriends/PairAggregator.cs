using GpuInference.Data;

namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// One worker of the second pass (<see cref="PairAggregation"/>): takes a partition, sums repeated (src, dst) rows
/// into pairs, sums each person's pairs into their total, and writes two files in the same order (people in order
/// of first sight within the partition, friends likewise): a pairs file (src, number of pairs, total, then dst and
/// count of each pair) for the output, and the much smaller shares file (total, number of pairs, then each count)
/// for the selection of the cut-off. The first histogram of that selection (<see cref="ShareHistogram"/>) is built
/// here on the way. A partition larger than the worker's budget is split again by a fresh hash of src and
/// aggregated piece by piece.
/// </summary>
internal sealed class PairAggregator
{
    /// <summary>
    /// Working memory per spilled row while a partition is aggregated: its 64-bit pair key and its count, twice for
    /// the radix sort (32 bytes), and up to two new ids in the interner (arena, start index and hash-table slots
    /// at half load): 80 bytes leaves room.
    /// </summary>
    public const long BytesPerRow = 80;

    /// <summary>Deepest re-split of one partition; deeper means one person's rows alone exceed the budget.</summary>
    private const int MaxDepth = 4;

    /// <summary>Shares above this can lose digits as doubles (2^53), which the selection's order relies on.</summary>
    private const long MaxExactTotal = 1L << 53;

    private const int RadixBits = 11;
    private const int RadixMask = (1 << RadixBits) - 1;

    private readonly string _inputPath;
    private readonly string _folder;
    private readonly long _budget;
    private readonly long _memory;
    private readonly int _worker;
    private readonly IdInterner _ids;
    private SpillWriter _pairs = null!;
    private SpillWriter _shares = null!;
    private ulong[] _keys = [];
    private long[] _counts = [];
    private ulong[] _keysBack = [];
    private long[] _countsBack = [];
    private int _splits;

    /// <param name="inputPath">The interaction log, for messages.</param>
    /// <param name="folder">Where split partitions are written.</param>
    /// <param name="budget">This worker's share of the working memory.</param>
    /// <param name="memory">The whole budget, for messages.</param>
    /// <param name="worker">The worker's number, which keeps its file names apart from the others'.</param>
    public PairAggregator(string inputPath, string folder, long budget, long memory, int worker)
    {
        _inputPath = inputPath;
        _folder = folder;
        _ids = new IdInterner(DenseIdBytes(budget));
        _budget = RowBudget(budget);
        _memory = memory;
        _worker = worker;
    }

    /// <summary>An eighth of a worker's budget goes to the interner's direct table of small integer ids.</summary>
    public static long DenseIdBytes(long budget) => budget / 8;

    /// <summary>The rest pays for rows (see <see cref="BytesPerRow"/>).</summary>
    public static long RowBudget(long budget) => budget - DenseIdBytes(budget);

    /// <summary>Counts of the pairs' shares by their top 16 bits (see <see cref="ShareHistogram"/>).</summary>
    public long[] FirstHistogram { get; } = new long[ShareHistogram.Buckets];

    public long People { get; private set; }

    public long Pairs { get; private set; }

    /// <summary>Partition files aggregated (the first pass's plus those made by splitting).</summary>
    public int Partitions { get; private set; }

    /// <summary>Bytes of the spill files this worker wrote (pairs, shares, and any re-split partitions).</summary>
    public long SpilledBytes { get; private set; }

    /// <summary>
    /// Allocates the row arrays once for the largest partition to come (or as many rows as the budget holds), so
    /// that partitions of slightly different sizes do not leave a trail of outgrown arrays behind.
    /// </summary>
    public void Reserve(long rows) => EnsureCapacity((int)Math.Min(Math.Max(rows, 1), Math.Min(_budget / BytesPerRow, Array.MaxLength)));

    /// <summary>Aggregates one partition of the first pass (deleting it) into <paramref name="pairsPath"/> and <paramref name="sharesPath"/>.</summary>
    public void AggregateInto(PartitionFile partition, string pairsPath, string sharesPath)
    {
        using (_pairs = new SpillWriter(pairsPath, 1 << 20))
        using (_shares = new SpillWriter(sharesPath, 1 << 20))
        {
            Aggregate(partition, depth: 0);
            _pairs.Flush();
            _shares.Flush();
            SpilledBytes += _pairs.Length + _shares.Length;
        }
    }

    private void Aggregate(PartitionFile partition, int depth)
    {
        long fits = Math.Min(_budget / BytesPerRow, Array.MaxLength);
        if (partition.Rows == 0)
        {
            File.Delete(partition.Path);
            return;
        }
        if (partition.Rows > fits)
        {
            // Too many rows to hold: split by a fresh hash of src. A piece that did not shrink is one person (or a
            // few that hash alike at every seed): their rows are folded into pairs as they are read instead.
            if (depth >= MaxDepth)
            {
                AggregateFolding(partition, (int)fits);
                return;
            }
            foreach (var piece in Split(partition, depth + 1))
            {
                if (piece.Rows == partition.Rows) AggregateFolding(piece, (int)fits);
                else Aggregate(piece, depth + 1);
            }
            return;
        }
        Partitions++;
        int n = checked((int)partition.Rows);
        EnsureCapacity(n);
        _ids.Clear();
        byte[] scratch = new byte[64];
        using (var reader = new SpillReader(partition.Path))
        {
            for (int i = 0; i < n; i++) ReadRow(reader, ref scratch, i);
        }
        File.Delete(partition.Path);
        SortPairs(n);
        WritePeople(n);
    }

    /// <summary>
    /// Aggregates a partition with more rows than fit, which works when its distinct pairs fit: rows are read into
    /// the buffer and, whenever it fills, sorted and summed into pairs in place. If the pairs alone fill three
    /// quarters of the buffer, the budget is too small for this person and the run stops saying so.
    /// </summary>
    private void AggregateFolding(PartitionFile partition, int capacity)
    {
        Partitions++;
        capacity = Math.Max(capacity, 1024);
        EnsureCapacity(capacity);
        _ids.Clear();
        byte[] scratch = new byte[64];
        int n = 0;
        using (var reader = new SpillReader(partition.Path))
        {
            for (long row = 0; row < partition.Rows; row++)
            {
                if (n == capacity)
                {
                    n = Fold(n);
                    if (n > capacity / 4 * 3) throw TooLarge(partition);
                }
                ReadRow(reader, ref scratch, n++);
            }
        }
        File.Delete(partition.Path);
        SortPairs(n);
        WritePeople(n);
    }

    private void ReadRow(SpillReader reader, ref byte[] scratch, int at)
    {
        uint src = (uint)ReadId(reader, ref scratch);
        uint dst = (uint)ReadId(reader, ref scratch);
        _keys[at] = (ulong)src << 32 | dst;
        _counts[at] = (long)reader.ReadVarint();
    }

    private int ReadId(SpillReader reader, ref byte[] scratch)
    {
        if (reader.PeekByte() == 0)
        {
            reader.ReadVarint();
            return _ids.InternInteger(reader.ReadVarint());
        }
        int length = PersonId.Read(reader, ref scratch);
        return _ids.Intern(scratch.AsSpan(0, length));
    }

    /// <summary>Sorts the first <paramref name="n"/> rows and sums equal pairs; returns the number of pairs.</summary>
    private int Fold(int n)
    {
        SortPairs(n);
        int pairs = 0;
        for (int i = 0; i < n;)
        {
            ulong key = _keys[i];
            long sum = 0;
            while (i < n && _keys[i] == key) sum = AddChecked(sum, _counts[i++], (uint)(key >> 32));
            _keys[pairs] = key;
            _counts[pairs++] = sum;
        }
        return pairs;
    }

    private void EnsureCapacity(int n)
    {
        if (_keys.Length >= n) return;
        _keys = new ulong[n];
        _counts = new long[n];
        _keysBack = new ulong[n];
        _countsBack = new long[n];
    }

    /// <summary>
    /// Sorts the first <paramref name="n"/> keys (src &lt;&lt; 32 | dst) with their counts: an LSD radix sort on
    /// 11-bit digits over only the bits the partition's ids use (4 passes for up to 4 million ids, against
    /// ~23 comparisons a row for a comparison sort).
    /// </summary>
    private void SortPairs(int n)
    {
        int bits = Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(1, _ids.Count - 1)));
        var histogram = new int[1 << RadixBits];
        for (int half = 0; half < 64; half += 32)
        {
            for (int shift = 0; shift < bits; shift += RadixBits)
            {
                int at = half + shift;
                Array.Clear(histogram);
                for (int i = 0; i < n; i++) histogram[(int)(_keys[i] >> at) & RadixMask]++;
                int sum = 0;
                for (int d = 0; d < histogram.Length; d++) (histogram[d], sum) = (sum, sum + histogram[d]);
                for (int i = 0; i < n; i++)
                {
                    ulong key = _keys[i];
                    int to = histogram[(int)(key >> at) & RadixMask]++;
                    _keysBack[to] = key;
                    _countsBack[to] = _counts[i];
                }
                (_keys, _keysBack) = (_keysBack, _keys);
                (_counts, _countsBack) = (_countsBack, _counts);
            }
        }
    }

    /// <summary>Walks the sorted keys: one run per person, one sub-run per pair.</summary>
    private void WritePeople(int n)
    {
        int start = 0;
        while (start < n)
        {
            uint src = (uint)(_keys[start] >> 32);
            // Sum repeated rows into pairs, packed to the front of the person's run.
            int end = start, pairs = 0;
            long total = 0;
            while (end < n && (uint)(_keys[end] >> 32) == src)
            {
                ulong key = _keys[end];
                long sum = 0;
                while (end < n && _keys[end] == key) sum = AddChecked(sum, _counts[end++], src);
                _keys[start + pairs] = key;
                _counts[start + pairs] = sum;
                pairs++;
                total = AddChecked(total, sum, src);
            }
            if (total > MaxExactTotal)
                throw new DataFormatException(_inputPath, $"person {Quote(src)} has {total:N0} actions; shares are computed exactly only up to 2^53 actions per person");
            _pairs.WriteBytes(_ids[(int)src]);
            _pairs.WriteVarint((ulong)pairs);
            _pairs.WriteVarint((ulong)total);
            _shares.WriteVarint((ulong)total);
            _shares.WriteVarint((ulong)pairs);
            for (int i = start; i < start + pairs; i++)
            {
                _pairs.WriteBytes(_ids[(int)(uint)_keys[i]]);
                _pairs.WriteVarint((ulong)_counts[i]);
                _shares.WriteVarint((ulong)_counts[i]);
                FirstHistogram[ShareHistogram.Digit(new Share(_counts[i], total).Key, 0)]++;
            }
            People++;
            Pairs += pairs;
            start = end;
        }
    }

    /// <summary>Splits a partition that does not fit by a hash of src under a new seed.</summary>
    private PartitionFile[] Split(PartitionFile partition, int depth)
    {
        int count = (int)Math.Clamp(partition.Rows * BytesPerRow * 5 / 4 / _budget + 1, 2, InteractionPartitioner.MaxPartitions);
        int bufferSize = (int)Math.Clamp(_budget / 2 / count, 4096, 1 << 20);
        var writers = new SpillWriter[count];
        var rows = new long[count];
        byte[] src = new byte[64], dst = new byte[64];
        int split = ++_splits;
        try
        {
            for (int p = 0; p < count; p++) writers[p] = new SpillWriter(Path.Combine(_folder, $"split-{_worker}-{split}-{p}.bin"), bufferSize);
            using var reader = new SpillReader(partition.Path);
            for (long i = 0; i < partition.Rows; i++)
            {
                int srcLength = PersonId.Read(reader, ref src);
                int dstLength = PersonId.Read(reader, ref dst);
                ulong n = reader.ReadVarint();
                int p = PersonId.Bucket(PersonId.Hash(src.AsSpan(0, srcLength), (ulong)depth), count);
                writers[p].WriteBytes(src.AsSpan(0, srcLength));
                writers[p].WriteBytes(dst.AsSpan(0, dstLength));
                writers[p].WriteVarint(n);
                rows[p]++;
            }
        }
        finally
        {
            foreach (var writer in writers) writer?.Dispose();
        }
        File.Delete(partition.Path);
        var pieces = new PartitionFile[count];
        for (int p = 0; p < count; p++)
        {
            long bytes = new FileInfo(writers[p].Path).Length;
            SpilledBytes += bytes;
            pieces[p] = new PartitionFile(writers[p].Path, rows[p], bytes);
        }
        return pieces;
    }

    private DataFormatException TooLarge(PartitionFile partition)
    {
        byte[] first = new byte[64];
        using var reader = new SpillReader(partition.Path);
        int length = PersonId.Read(reader, ref first);
        return new DataFormatException(_inputPath,
            $"person '{PersonId.ToText(first.AsSpan(0, length))}' (with any others hashed alike) has more distinct friends than a " +
            $"working-memory budget of {MemorySize.Format(_memory)} can aggregate (about {BytesPerRow} bytes a pair); raise --memory");
    }

    private long AddChecked(long sum, long n, uint src) =>
        sum <= long.MaxValue - n ? sum + n : throw new DataFormatException(_inputPath, $"the actions of person {Quote(src)} add up to more than 2^63 - 1");

    private string Quote(uint id) => $"'{PersonId.ToText(_ids[(int)id])}'";
}
