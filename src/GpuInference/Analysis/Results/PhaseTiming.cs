namespace GpuInference.Analysis;

/// <summary>Wall-clock time spent in one phase of a run (load, graph, design, estimation, permutations, report...).</summary>
/// <param name="Phase">Short phase name, used as a JSON key.</param>
/// <param name="Elapsed">Time spent.</param>
public readonly record struct PhaseTiming(string Phase, TimeSpan Elapsed);
