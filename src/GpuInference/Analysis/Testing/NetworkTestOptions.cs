using GpuInference.Inference.Models;

namespace GpuInference.Analysis.Testing;

/// <summary>How assignments are re-drawn: a permutation of the observed values (the default), Bernoulli re-draws, or a file.</summary>
public enum DesignKind
{
    /// <summary>Permute the observed values (within blocks, by cluster, as declared).</summary>
    Permute,

    /// <summary>Each unit (or cluster) re-draws its value with the observed shares of its block.</summary>
    Bernoulli,

    /// <summary>The user's own assignments, one column per permutation.</summary>
    File,
}

/// <summary>Which kernels fit the permutations.</summary>
public enum TestEngine
{
    /// <summary>The paper preset's integer kernels for the paper's model (<see cref="PaperModelShape"/>), the general ones otherwise.</summary>
    Auto,

    /// <summary>Always the general kernels: for comparing the two, or a null drawn by the general design's stream.</summary>
    General,
}

/// <summary>Everything <c>gpuinference test</c> can be told.</summary>
public sealed record NetworkTestOptions
{
    public required string NodesPath { get; init; }

    public required string EdgesPath { get; init; }

    /// <summary>The model: <c>y ~ terms | fixed effects</c>.</summary>
    public required string Formula { get; init; }

    /// <summary>Columns whose values move together under re-randomization.</summary>
    public required IReadOnlyList<string> Permute { get; init; }

    /// <summary>Blocks: each keeps its own values (<c>--within</c>).</summary>
    public string? Within { get; init; }

    /// <summary>Clusters: whole clusters move (<c>--clusters</c>).</summary>
    public string? Clusters { get; init; }

    public DesignKind Design { get; init; } = DesignKind.Permute;

    /// <summary>The permutation file, for <see cref="DesignKind.File"/>.</summary>
    public string? DesignFile { get; init; }

    public TestStatistic Statistic { get; init; } = TestStatistic.Coefficient;

    /// <summary>Standard errors of the observed fit: Classical, HC0–HC3, or CR0/CR1/CR2 with a cluster column.</summary>
    public string Se { get; init; } = "HC2";

    /// <summary>Column of <see cref="Se"/>'s clusters (CR types).</summary>
    public string? SeClusters { get; init; }

    /// <summary>Restrictions of the analysis units, column = value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Where { get; init; } = [];

    /// <summary>Terms to test; empty: every term that depends on a permuted column.</summary>
    public IReadOnlyList<string> Tested { get; init; } = [];

    /// <summary>Whether a joint Wald statistic over the tested terms is added when there are several.</summary>
    public bool Joint { get; init; } = true;

    public TestEngine Engine { get; init; } = TestEngine.Auto;

    public int Permutations { get; init; } = 1000;

    public ulong Seed { get; init; } = 1;

    public int Threads { get; init; }

    /// <summary>auto (a GPU when one starts, else the CPU), or a backend by name: cpu, cuda, opencl, ilgpu-cpu.</summary>
    public string Backend { get; init; } = "auto";

    /// <summary>Which device of the backend, counted from 0; null: the first that starts.</summary>
    public int? Device { get; init; }

    /// <summary>Drop and count edges to ids missing from the nodes file, instead of stopping.</summary>
    public bool DropUnknownEdges { get; init; }

    public string IdColumn { get; init; } = "id";

    public string SourceColumn { get; init; } = "src";

    public string TargetColumn { get; init; } = "dst";

    /// <summary>The largest number of permutations a run takes.</summary>
    public const int MaxPermutations = 10_000_000;
}
