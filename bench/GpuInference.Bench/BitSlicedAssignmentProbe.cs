using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;

namespace GpuInference.Bench;

/// <summary>Times the permuted-assignment step alone.</summary>
internal sealed class BitSlicedAssignmentProbe(SpilloverProblem problem)
{
    private readonly BitSlicedAssignment _words = new(problem.NodeCount);

    public double TimeFill()
    {
        var clock = Stopwatch.StartNew();
        _words.Fill(problem.Cells, new PermutationBatch(3, 0, 64), new ParallelOptions());
        return clock.Elapsed.TotalSeconds;
    }
}
