using System.Runtime.ExceptionServices;

namespace GpuInference.Graph.CloseFriends;

/// <summary>The second pass's result: per partition a pairs file and a shares file, in partition order.</summary>
internal sealed record AggregatedPairs(
    IReadOnlyList<string> PairsFiles, IReadOnlyList<string> SharesFiles, long[] FirstHistogram,
    long People, long Pairs, int Partitions, long SpilledBytes);

/// <summary>
/// Runs the second pass on several threads: each worker (<see cref="PairAggregator"/>) takes the next partition,
/// with its own share of the budget, and writes that partition's own output files, so the result (read back in
/// partition order) does not depend on which worker took which partition or when it finished.
/// </summary>
internal static class PairAggregation
{
    /// <summary>Workers to use when not told: one per core, at most four (the pass is also bound by the disk).</summary>
    public static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    public static AggregatedPairs Run(
        string inputPath, string folder, IReadOnlyList<PartitionFile> partitions, long budget, int workers, IAnalysisProgress progress)
    {
        workers = Math.Clamp(workers, 1, Math.Max(1, partitions.Count));
        var aggregators = new PairAggregator[workers];
        long largest = partitions.Count == 0 ? 0 : partitions.Max(p => p.Rows);
        for (int w = 0; w < workers; w++)
        {
            aggregators[w] = new PairAggregator(inputPath, folder, budget / workers, budget, w);
            aggregators[w].Reserve(largest);
        }
        string[] pairsFiles = new string[partitions.Count], sharesFiles = new string[partitions.Count];
        for (int i = 0; i < partitions.Count; i++)
        {
            pairsFiles[i] = Path.Combine(folder, $"pairs-{i}.bin");
            sharesFiles[i] = Path.Combine(folder, $"shares-{i}.bin");
        }

        long rows = partitions.Sum(p => p.Rows), done = 0;
        int next = -1;
        var gate = new object();
        ExceptionDispatchInfo? failure = null;
        progress.Begin("aggregating pairs", rows);
        void Work(PairAggregator aggregator)
        {
            try
            {
                while (Volatile.Read(ref failure) is null)
                {
                    int i = Interlocked.Increment(ref next);
                    if (i >= partitions.Count) return;
                    aggregator.AggregateInto(partitions[i], pairsFiles[i], sharesFiles[i]);
                    lock (gate)
                    {
                        done += partitions[i].Rows;
                        progress.Advance(done);
                    }
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }
        var threads = aggregators.Skip(1).Select(a => new Thread(() => Work(a)) { IsBackground = true, Name = "close-friends aggregation" }).ToArray();
        foreach (var thread in threads) thread.Start();
        Work(aggregators[0]);
        foreach (var thread in threads) thread.Join();
        failure?.Throw();
        progress.End();

        var histogram = new long[ShareHistogram.Buckets];
        foreach (var aggregator in aggregators)
        {
            for (int b = 0; b < histogram.Length; b++) histogram[b] += aggregator.FirstHistogram[b];
        }
        return new AggregatedPairs(pairsFiles, sharesFiles, histogram,
            aggregators.Sum(a => a.People), aggregators.Sum(a => a.Pairs), aggregators.Sum(a => a.Partitions), aggregators.Sum(a => a.SpilledBytes));
    }
}
