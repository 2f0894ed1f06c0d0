namespace GpuInference.Graph.CloseFriends;

/// <summary>The cut-off share and where it sits among all pairs.</summary>
internal readonly record struct CutOff(Share Share, long PairsBelow, long PairsAtCutOff, int Passes);

/// <summary>
/// Finds the k-th smallest share among all pairs exactly, in a few streaming passes over the shares files and
/// memory independent of the number of pairs. Radix selection on the shares' double keys narrows the search to
/// one bucket: a range of doubles, hence (the division being correctly rounded and so monotone) a contiguous range
/// of the exact shares. Once a bucket holds few enough pairs for the budget (or is a single double), one more pass
/// gathers its shares as exact fractions in lowest terms with their multiplicities, and the k-th is found among
/// those by exact comparison. Distinct fractions that round to the same double are rare (they need totals above
/// ~10^7), so even a single-double bucket of a billion pairs gathers into a handful of entries.
/// </summary>
internal static class CutOffSelector
{
    /// <summary>Memory per distinct fraction gathered (a dictionary entry with its key, count and links).</summary>
    private const long BytesPerFraction = 64;

    /// <param name="sharesFiles">The shares files written by <see cref="PairAggregator"/>.</param>
    /// <param name="pairs">The number of pairs (shares) in it.</param>
    /// <param name="rank">1-based rank k among the <paramref name="pairs"/> shares sorted ascending.</param>
    /// <param name="firstHistogram">Counts by the top digit, built while aggregating.</param>
    /// <param name="budget">Working memory in bytes, which bounds the fractions gathered in the last pass.</param>
    public static CutOff Select(IReadOnlyList<string> sharesFiles, long pairs, long rank, long[] firstHistogram, long budget)
    {
        if (rank < 1 || rank > pairs) throw new ArgumentOutOfRangeException(nameof(rank));
        long capacity = Math.Max(1024, budget / BytesPerFraction);
        long below = 0;
        ulong prefix = 0;
        int levels = 0, passes = 0;
        long[] histogram = firstHistogram;
        while (true)
        {
            // The bucket holding rank: everything in earlier buckets is below it.
            int digit = 0;
            long before = 0;
            while (before + histogram[digit] < rank) before += histogram[digit++];
            rank -= before;
            below += before;
            long inBucket = histogram[digit];
            prefix = prefix << ShareHistogram.DigitBits | (uint)digit;
            levels++;
            if (inBucket <= capacity || levels * ShareHistogram.DigitBits == 64) break;
            histogram = new long[ShareHistogram.Buckets];
            passes++;
            ForEachShare(sharesFiles, share =>
            {
                ulong key = share.Key;
                if (ShareHistogram.HasPrefix(key, prefix, levels)) histogram[ShareHistogram.Digit(key, levels)]++;
            });
        }

        var gathered = new Dictionary<Share, long>();
        passes++;
        ForEachShare(sharesFiles, share =>
        {
            if (!ShareHistogram.HasPrefix(share.Key, prefix, levels)) return;
            var reduced = share.Reduced();
            gathered[reduced] = gathered.GetValueOrDefault(reduced) + 1;
            if (gathered.Count > capacity)
                throw new InvalidOperationException($"more than {capacity:N0} distinct shares round to one double; raise --memory");
        });
        var distinct = gathered.Keys.ToArray();
        Array.Sort(distinct);
        foreach (var share in distinct)
        {
            long count = gathered[share];
            if (rank <= count) return new CutOff(share, below, count, passes);
            rank -= count;
            below += count;
        }
        throw new InvalidOperationException("the shares file changed between the passes of the selection");
    }

    /// <summary>Streams every pair's share from the shares files.</summary>
    public static void ForEachShare(IReadOnlyList<string> sharesFiles, Action<Share> visit)
    {
        foreach (string path in sharesFiles)
        {
            using var reader = new SpillReader(path);
            while (!reader.AtEnd)
            {
                long total = (long)reader.ReadVarint();
                long pairs = (long)reader.ReadVarint();
                for (long i = 0; i < pairs; i++) visit(new Share((long)reader.ReadVarint(), total));
            }
        }
    }
}
