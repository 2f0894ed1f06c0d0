using GpuInference.Data;
using GpuInference.Graph;

namespace GpuInference.Engine;

/// <summary>Where an experiment's data are: a nodes and an edges file, or one packed dataset, and how to read them.</summary>
public sealed record ExperimentInputs
{
    public string? NodesPath { get; init; }

    public string? EdgesPath { get; init; }

    /// <summary>A binary dataset written by <c>gpuinference pack</c>, instead of the two files.</summary>
    public string? PackPath { get; init; }

    public NodeTableOptions NodeOptions { get; init; } = new();

    public EdgeListOptions EdgeOptions { get; init; } = new();

    /// <summary>
    /// Checks, before any work, that one dataset is named and that each file named is there and is a file: a missing
    /// second file should not be found only after the first has loaded. Throws <see cref="ArgumentException"/> for
    /// contradictory options and <see cref="DataFormatException"/> for a missing file.
    /// </summary>
    public void Check()
    {
        if (PackPath is not null && (NodesPath is not null || EdgesPath is not null)) throw new ArgumentException("give either --pack or --nodes with --edges, not both.");
        if (PackPath is null && (NodesPath is null || EdgesPath is null)) throw new ArgumentException("give --nodes and --edges (or --pack).");
        foreach (string? path in new[] { PackPath, NodesPath, EdgesPath })
        {
            if (path is null) continue;
            if (Directory.Exists(path)) throw new DataFormatException(path, "is a folder, not a file");
            if (!File.Exists(path)) throw new DataFormatException(path, "no such file");
        }
    }
}
