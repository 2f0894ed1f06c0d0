namespace GpuInference.Graph.CloseFriends;

/// <summary>Settings of <see cref="CloseFriendFinder"/>: the percentile, the working-memory budget and the column names.</summary>
public sealed record CloseFriendOptions
{
    /// <summary>The default working-memory budget: 2 GiB.</summary>
    public const long DefaultMemoryBytes = 2L << 30;

    /// <summary>The smallest budget accepted: 1 MiB.</summary>
    public const long MinimumMemoryBytes = 1L << 20;

    /// <summary>
    /// Pairs whose share is at or above this percentile (nearest rank, 0 to 100) of all pairs' shares are close
    /// friends. The paper used 90.
    /// </summary>
    public double Percentile { get; init; } = 90;

    /// <summary>
    /// Bytes of working memory: the partition buffers of the first pass, the arrays one partition is aggregated in,
    /// and the selection's histograms. The runtime's own fixed cost (tens of MB) and the 1 MiB read buffers come on
    /// top. Data beyond the budget is spilled to <see cref="TempDirectory"/>.
    /// </summary>
    public long MemoryBytes { get; init; } = DefaultMemoryBytes;

    /// <summary>Threads aggregating partitions at once, each in an equal share of the budget; 0: one per core, at most 4.</summary>
    public int Threads { get; init; }

    /// <summary>Where spill files go; null: a hidden folder beside the output file (removed at the end).</summary>
    public string? TempDirectory { get; init; }

    /// <summary>The person who acted.</summary>
    public string SourceColumn { get; init; } = "src";

    /// <summary>The friend the actions were directed at.</summary>
    public string TargetColumn { get; init; } = "dst";

    /// <summary>How many actions (a whole number; 0 rows are dropped, negative ones are an error).</summary>
    public string CountColumn { get; init; } = "count";

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!(Percentile >= 0 && Percentile <= 100)) throw new ArgumentException($"--percentile must be between 0 and 100, not {Percentile}.");
        if (Threads < 0) throw new ArgumentException($"--threads must be 0 (automatic) or more, not {Threads}.");
        if (MemoryBytes < MinimumMemoryBytes) throw new ArgumentException($"--memory must be at least 1M, not {MemoryBytes} bytes.");
        foreach (var (name, value) in new[] { ("--src-column", SourceColumn), ("--dst-column", TargetColumn), ("--count-column", CountColumn) })
        {
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} must name a column.");
        }
        if (SourceColumn == TargetColumn || SourceColumn == CountColumn || TargetColumn == CountColumn)
            throw new ArgumentException("the src, dst and count columns must be three different columns.");
    }
}
