using System.Diagnostics;
using BenchmarkDotNet.Running;
using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Bench;
using GpuInference.Graph;

// `dotnet run -c Release --project bench/GpuInference.Bench -- quick N` times one batch of 64 on the CPU backend;
// anything else goes to BenchmarkDotNet's switcher (e.g. `--filter *`).
// `quick FILE.gipack` does the same on a packed dataset (as written by `gpuinference pack`).
if (args.Length >= 1 && args[0] == "quick")
{
    string what = args.Length > 1 ? args[1] : "1000000";
    GpuInference.Design.SpilloverProblem problem;
    if (File.Exists(what))
    {
        var packed = GpuInference.Graph.DatasetPack.Read(what);
        problem = GpuInference.Design.SpilloverDesignBuilder.Build(packed.Nodes, packed.Graph);
    }
    else
    {
        problem = SyntheticProblems.PaperShaped(int.Parse(what, System.Globalization.CultureInfo.InvariantCulture));
    }
    int n = problem.NodeCount;
    using var backend = new CpuBackend(problem, new BackendOptions());
    var coefficients = new double[64 * 4];
    backend.Fit(new PermutationBatch(1, 0, 64), coefficients); // warm-up
    var clock = Stopwatch.StartNew();
    backend.Fit(new PermutationBatch(1, 64, 64), coefficients);
    double batch = clock.Elapsed.TotalSeconds;
    double corrected = new BitSlicedAssignmentProbe(problem, AssignmentMethod.Correct).TimeFill();
    double gathered = new BitSlicedAssignmentProbe(problem, AssignmentMethod.Gather).TimeFill();
    Console.WriteLine($"N={n:N0} edges={problem.EdgeCount:N0} strata={problem.StratumCount:N0} chunks={problem.ChunkCount:N0} " +
        $"outside the majority cell={problem.Minority.Nodes.Length:N0}: batch of 64 {batch:F3} s ({batch / 64 * 1000:F2} ms/permutation); " +
        $"assignment alone {corrected:F3} s corrected, {gathered:F3} s gathered");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(SyntheticProblems).Assembly).Run(args);
