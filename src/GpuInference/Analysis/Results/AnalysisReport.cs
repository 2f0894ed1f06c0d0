using GpuInference.Inference;

namespace GpuInference.Analysis;

/// <summary>
/// Everything a report shows, as plain data: the writers (JSON, Markdown, CSV, SVG) read it and compute nothing
/// beyond formatting, so that every output of one run tells the same story.
/// </summary>
public sealed record AnalysisReport
{
    /// <summary>Inputs, sizes, seed, backend and timings.</summary>
    public required RunMetadata Metadata { get; init; }

    /// <summary>Direct effects in the order shown (Fig 2); names are unique.</summary>
    public IReadOnlyList<EffectEstimate> Direct { get; init; } = [];

    /// <summary>Spillover statistics in the order shown (Fig 3), usually banner then feed; names are unique.</summary>
    public IReadOnlyList<SpilloverStatistic> Spillover { get; init; } = [];

    /// <summary>
    /// What the analysis did that the tables do not show: rows kept or counted in a way a reader might not assume,
    /// and input read but not used. One sentence each, in plain words.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>People mobilised, when the inputs for the arithmetic were given.</summary>
    public Totals? Totals { get; init; }

    /// <summary>The most degenerate (NaN) permutations of any statistic; a singular fit makes every coefficient NaN, so they agree.</summary>
    public int NaNPermutations => Spillover.Count == 0 ? 0 : Spillover.Max(s => s.Null.NaNCount);

    /// <summary>The direct effect with this name, or null.</summary>
    public EffectEstimate? FindDirect(string name) => Direct.FirstOrDefault(e => e.Name == name);
}
