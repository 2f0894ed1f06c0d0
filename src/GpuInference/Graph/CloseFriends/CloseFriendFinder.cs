using GpuInference.Data;

namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// Derives the close-friend graph from an interaction log, as the paper did: for each person the share of their
/// actions directed at each friend, and the pairs whose share is at or above a global percentile of all pairs'
/// shares. Streams any number of rows within a working-memory budget by spilling to disk.
/// </summary>
/// <remarks>
/// <para><b>Input</b>: a CSV (plain or gzip, detected by content) with columns src, dst, count: src directed count
/// actions at dst. Ids are integers or text (trimmed of surrounding spaces; equal when their texts are equal).</para>
/// <para><b>Rules</b>:
/// repeated (src, dst) rows add up;
/// a row with count 0 records no action and is dropped (counted in <see cref="CloseFriendSummary.ZeroCountRows"/>);
/// a negative, fractional or non-numeric count, an empty or non-UTF-8 id, or a wrong number of fields is an error
/// naming <c>file:line:column</c>;
/// a self-action (src = dst) is dropped and counted, and does not enter the person's total;
/// a person with no action directed at anyone else has no shares, no close friends and is not among the people;
/// a friend who received no action from a person is not a pair of that person and so never their close friend.</para>
/// <para><b>Percentile</b>: share(src, dst) = count(src, dst) / total(src), as an exact fraction. With the M pair
/// shares sorted ascending s(1) ≤ … ≤ s(M), the cut-off is c = s(k), k = max(1, ⌈P·M/100⌉) (nearest rank), and
/// every pair with share ≥ c is a close friend: ties at the cut-off are all included, so at least M − k + 1 pairs
/// are chosen (P = 0 chooses every pair, P = 100 the pairs with the largest share).</para>
/// <para><b>Output</b>: <c>src,dst</c> rows (dst is a close friend of src), the form <c>analyze</c> reads, grouped
/// by person (in partition order, so the order, not the set, depends on the budget and the threads); gzip when
/// the name ends in <c>.gz</c>. It is written under a temporary name and renamed into place
/// only when everything succeeded, so a failed run leaves no partial file and an earlier file is replaced whole.</para>
/// <para><b>Passes</b>: (1) the CSV is read once and its rows spread over partition files by a hash of src;
/// (2) each partition is aggregated in memory (radix-sorting 64-bit pair keys), <see cref="CloseFriendOptions.Threads"/>
/// partitions at once, each in its share of the budget, writing each person's pairs and total;
/// (3) radix selection over the pairs' shares finds the cut-off in one to five sequential passes over a compact
/// file (~2 bytes a pair); (4) the pairs are read once more and those at or above the cut-off written.</para>
/// </remarks>
public static class CloseFriendFinder
{
    /// <summary>Runs the whole derivation; see the type's remarks for the rules.</summary>
    /// <exception cref="ArgumentException">An option is out of range or the output path is a folder.</exception>
    /// <exception cref="DataFormatException">The input is wrong: the message names file, line and column.</exception>
    public static CloseFriendSummary Run(string interactionsPath, string outputPath, CloseFriendOptions options, IAnalysisProgress? progress = null)
    {
        options.Validate();
        progress ??= SilentProgress.Instance;
        if (string.IsNullOrWhiteSpace(outputPath)) throw new ArgumentException("--out must name a file.");
        if (Directory.Exists(outputPath)) throw new ArgumentException($"--out {outputPath} is a folder; name the edges file to write.");
        if (Directory.Exists(interactionsPath)) throw new DataFormatException(interactionsPath, "is a folder, not an interactions file");
        if (!File.Exists(interactionsPath)) throw new FileNotFoundException($"{interactionsPath}: no such file", interactionsPath);

        string outputFolder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        string spillParent = options.TempDirectory ?? outputFolder;
        string tag = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        string spill = Path.Combine(spillParent, $"{SpillPrefix}{tag}");
        string partial = Path.Combine(outputFolder, $".{Path.GetFileName(outputPath)}{PartialInfix}{tag}");
        try
        {
            // Both places are tried before any work, so an unwritable --out or --temp is reported at once.
            Directory.CreateDirectory(outputFolder);
            File.WriteAllBytes(partial, []);
            Directory.CreateDirectory(spill);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(() => File.Delete(partial));
            throw new ArgumentException($"cannot write beside --out {outputPath} or in the spill folder {spillParent}: {e.Message}", e);
        }
        RemoveLeftovers(outputFolder, spillParent, Path.GetFileName(outputPath));
        try
        {
            int workers = options.Threads > 0 ? options.Threads : PairAggregation.DefaultWorkers;
            var (partitions, counts) = InteractionPartitioner.Partition(interactionsPath, spill, options, workers, progress);
            long spilled = partitions.Sum(p => p.Bytes);

            var aggregated = PairAggregation.Run(interactionsPath, spill, partitions, options.MemoryBytes, workers, progress);
            spilled += aggregated.SpilledBytes;

            CutOff? cutOff = null;
            long rank = 0;
            if (aggregated.Pairs > 0)
            {
                rank = Rank(options.Percentile, aggregated.Pairs);
                progress.Begin("finding the cut-off share", 0);
                cutOff = CutOffSelector.Select(aggregated.SharesFiles, aggregated.Pairs, rank, aggregated.FirstHistogram, options.MemoryBytes);
                progress.End();
            }

            var (edges, people) = WriteEdges(aggregated.PairsFiles, partial, outputPath, cutOff?.Share, aggregated.Pairs, progress);
            long expected = cutOff is { } c ? aggregated.Pairs - c.PairsBelow : 0;
            if (edges != expected)
                throw new InvalidOperationException($"wrote {edges:N0} close-friend edges where the selection counted {expected:N0}");
            File.Move(partial, outputPath, overwrite: true);

            return new CloseFriendSummary
            {
                Percentile = options.Percentile,
                InputRows = counts.InputRows,
                ZeroCountRows = counts.ZeroCountRows,
                SelfActionRows = counts.SelfActionRows,
                SelfActions = counts.SelfActions,
                Actions = counts.Actions,
                People = aggregated.People,
                Pairs = aggregated.Pairs,
                CutOff = cutOff?.Share,
                CutOffRank = rank,
                PairsAtCutOff = cutOff?.PairsAtCutOff ?? 0,
                CloseFriendEdges = edges,
                PeopleWithCloseFriends = people,
                Partitions = aggregated.Partitions,
                SpilledBytes = spilled,
                SelectionPasses = cutOff?.Passes ?? 0,
            };
        }
        finally
        {
            TryDelete(() => File.Delete(partial));
            TryDelete(() => Directory.Delete(spill, recursive: true));
        }
    }

    private const string SpillPrefix = ".close-friends-";
    private const string PartialInfix = ".partial-";

    /// <summary>
    /// Removes the spill folders and partial outputs of earlier runs that were killed (their process is gone);
    /// names carry the process id, so a run still going, here or in another process, is left alone.
    /// </summary>
    private static void RemoveLeftovers(string outputFolder, string spillParent, string outputName)
    {
        foreach (string folder in Directory.EnumerateDirectories(spillParent, SpillPrefix + "*"))
        {
            if (IsDeadProcessTag(Path.GetFileName(folder)[SpillPrefix.Length..])) TryDelete(() => Directory.Delete(folder, recursive: true));
        }
        string partialPrefix = "." + outputName + PartialInfix;
        foreach (string file in Directory.EnumerateFiles(outputFolder, partialPrefix + "*"))
        {
            if (IsDeadProcessTag(Path.GetFileName(file)[partialPrefix.Length..])) TryDelete(() => File.Delete(file));
        }
    }

    private static bool IsDeadProcessTag(string tag)
    {
        int dash = tag.IndexOf('-');
        if (dash <= 0 || !int.TryParse(tag.AsSpan(0, dash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>
    /// The nearest rank k = max(1, ⌈P·M/100⌉), computed in decimal so that P = 90 of M = 10 is exactly 9, not
    /// 9.000000000000002 rounded up to 10.
    /// </summary>
    public static long Rank(double percentile, long pairs)
    {
        decimal exact = (decimal)percentile * pairs / 100m;
        return Math.Clamp((long)decimal.Ceiling(exact), 1, pairs);
    }

    private static (long Edges, long People) WriteEdges(IReadOnlyList<string> pairsFiles, string partial, string outputPath, Share? cutOff, long pairs, IAnalysisProgress progress)
    {
        long edges = 0, people = 0, done = 0;
        bool gzip = outputPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        progress.Begin("writing close friends", pairs);
        using (var output = new BufferedStream(InputFile.Create(partial, gzip), 1 << 20))
        {
            output.Write("src,dst\n"u8);
            if (cutOff is { } c)
            {
                foreach (string path in pairsFiles) WriteEdges(path, c, output, ref edges, ref people, ref done, progress);
            }
        }
        progress.End();
        return (edges, people);
    }

    /// <summary>Writes the pairs of one pairs file whose share is at or above <paramref name="cutOff"/>.</summary>
    private static void WriteEdges(string pairsPath, Share cutOff, Stream output, ref long edges, ref long people, ref long done, IAnalysisProgress progress)
    {
        byte[] src = new byte[64], dst = new byte[64];
        using var reader = new SpillReader(pairsPath);
        while (!reader.AtEnd)
        {
            int srcLength = PersonId.Read(reader, ref src);
            long count = (long)reader.ReadVarint();
            long total = (long)reader.ReadVarint();
            bool any = false;
            for (long i = 0; i < count; i++)
            {
                int dstLength = PersonId.Read(reader, ref dst);
                var share = new Share((long)reader.ReadVarint(), total);
                if (share.CompareTo(cutOff) < 0) continue;
                PersonId.WriteText(src.AsSpan(0, srcLength), output);
                output.WriteByte((byte)',');
                PersonId.WriteText(dst.AsSpan(0, dstLength), output);
                output.WriteByte((byte)'\n');
                edges++;
                any = true;
            }
            if (any) people++;
            done += count;
            if ((people & 0x3FFF) == 0) progress.Advance(done);
        }
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed class SilentProgress : IAnalysisProgress
    {
        public static readonly SilentProgress Instance = new();

        public void Begin(string phase, long total) { }

        public void Advance(long done) { }

        public void End() { }

        public void Warn(string message) { }
    }
}
