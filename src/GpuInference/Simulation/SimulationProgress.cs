namespace GpuInference.Simulation;

/// <summary>How far a simulation has written: people and edges so far, out of <see cref="NodeCount"/> people.</summary>
public readonly record struct SimulationProgress(long NodesWritten, long EdgesWritten, long NodeCount)
{
    /// <summary>Fraction done, 0 to 1.</summary>
    public double Fraction => NodeCount == 0 ? 1 : (double)NodesWritten / NodeCount;
}
