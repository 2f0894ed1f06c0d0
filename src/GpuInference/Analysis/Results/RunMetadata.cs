namespace GpuInference.Analysis;

/// <summary>What was analysed and how: everything needed to reproduce or audit a run.</summary>
public sealed record RunMetadata
{
    /// <summary>Analysis units (people with an outcome).</summary>
    public required long Units { get; init; }

    /// <summary>Nodes in the graph, units included.</summary>
    public required long Nodes { get; init; }

    /// <summary>Directed close-friend edges used for exposure, after cleaning.</summary>
    public required long Edges { get; init; }

    /// <summary>Permutations requested (valid ones are counted per statistic, see <see cref="Inference.NullDistribution"/>).</summary>
    public required long Permutations { get; init; }

    /// <summary>Seed of the permutation stream; with the inputs it fixes every permutation.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Backend name: "cpu", "opencl" or "cuda".</summary>
    public required string Backend { get; init; }

    /// <summary>The device the backend ran on, in words.</summary>
    public string Device { get; init; } = "";

    /// <summary>Host worker threads.</summary>
    public int Threads { get; init; }

    /// <summary>Self-loops removed from the edge list.</summary>
    public long SelfLoopsDropped { get; init; }

    /// <summary>Duplicate edges removed from the edge list.</summary>
    public long DuplicatesDropped { get; init; }

    /// <summary>Input files by role (e.g. "nodes", "edges"), in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> InputPaths { get; init; } = [];

    /// <summary>Wall-clock time per phase, in run order.</summary>
    public IReadOnlyList<PhaseTiming> Timings { get; init; } = [];

    /// <summary>How the backend was chosen: why others were passed over, and any fallback taken mid-run.</summary>
    public IReadOnlyList<string> BackendNotes { get; init; } = [];

    /// <summary>Version of the engine that produced the report.</summary>
    public string Version { get; init; } = "";

    /// <summary>When the run finished; null leaves it out (for byte-identical reports in tests).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
