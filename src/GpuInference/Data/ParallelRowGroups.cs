namespace GpuInference.Data;

/// <summary>
/// Reads a Parquet file's row groups on every core. A Parquet.Net reader serves one thread, so each worker opens its
/// own and takes the next row group in turn; each row group's result has its own place, so callers stitch them in
/// file order and get what one reader going from start to end would. The first exception stops every worker and the
/// run reports failure: the caller then reads the file sequentially, which meets the same problem and names it as it
/// always has, so a fast path never needs error messages of its own.
/// </summary>
internal static class ParallelRowGroups
{
    /// <summary>
    /// Calls <paramref name="read"/> once for each row group 0..<paramref name="groups"/>−1, on workers that each
    /// hold a reader made by <paramref name="open"/>. False when any call (or any open) threw.
    /// </summary>
    public static bool TryRun<TReader>(int groups, Func<TReader> open, Action<TReader, int> read) where TReader : IDisposable
    {
        int nextGroup = -1;
        bool failed = false;
        Parallel.For(0, Math.Min(Environment.ProcessorCount, Math.Max(1, groups)), _ =>
        {
            try
            {
                using TReader reader = open();
                int group;
                while (!Volatile.Read(ref failed) && (group = Interlocked.Increment(ref nextGroup)) < groups) read(reader, group);
            }
            catch (Exception)
            {
                Volatile.Write(ref failed, true);
            }
        });
        return !failed;
    }
}
