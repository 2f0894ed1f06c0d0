using System.Diagnostics;
using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;

namespace GpuInference.Bench;

/// <summary>Times the permuted-assignment step alone.</summary>
internal sealed class BitSlicedAssignmentProbe(SpilloverProblem problem, AssignmentMethod method)
{
    private readonly BitSlicedAssignment _words = new(problem, method);

    public double TimeFill()
    {
        _words.Fill(new PermutationBatch(3, 0, 64), new ParallelOptions()); // warm-up: the first call runs unoptimized code
        var clock = Stopwatch.StartNew();
        _words.Fill(new PermutationBatch(3, 64, 64), new ParallelOptions());
        return clock.Elapsed.TotalSeconds;
    }
}
