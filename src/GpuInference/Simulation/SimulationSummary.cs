namespace GpuInference.Simulation;

/// <summary>What a simulation wrote, counted as it was written.</summary>
public sealed record SimulationSummary
{
    /// <summary>People written.</summary>
    public required long NodeCount { get; init; }

    /// <summary>Directed close-friend edges written.</summary>
    public required long EdgeCount { get; init; }

    /// <summary>People per cell, indexed by <see cref="Data.TreatmentCell"/> (Neither, Banner, Feed, Both).</summary>
    public required long[] CellCounts { get; init; }

    /// <summary>People with an outcome (not left empty).</summary>
    public required long UnitCount { get; init; }

    /// <summary>People who voted (outcome 1).</summary>
    public required long VoterCount { get; init; }

    /// <summary>Turnout among units.</summary>
    public double Turnout => UnitCount == 0 ? double.NaN : (double)VoterCount / UnitCount;

    /// <summary>Mean close friends per person.</summary>
    public double MeanDegree => NodeCount == 0 ? 0 : (double)EdgeCount / NodeCount;
}
