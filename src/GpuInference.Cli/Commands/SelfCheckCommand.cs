using System.CommandLine;
using GpuInference.Design;
using GpuInference.Backends.Devices;
using GpuInference.Simulation;

namespace GpuInference.Cli.Commands;

/// <summary>
/// <c>selfcheck</c> (hidden): on a machine with a GPU, compares every device backend with the managed CPU backend,
/// bit for bit, on a simulated experiment (with its 0/1 outcome, then a real-valued one). Exit 0 when all agree, 1 on a disagreement, 2 when no device could start.
/// </summary>
internal static class SelfCheckCommand
{
    public static Command Create(TextWriter output)
    {
        var n = new Option<int>("--n") { Description = "People in the simulated experiment.", DefaultValueFactory = _ => 100_003 };
        var backend = new Option<string?>("--backend") { Description = "One device backend to check (cuda, opencl or ilgpu-cpu); default: all." };
        var device = new Option<int?>("--device") { Description = "Which device of each backend, counted from 0 (default: the first that starts)." };
        var compile = new Option<bool>("--compile") { Description = "Also compile every kernel to PTX (sm_70, sm_80, sm_90) and OpenCL C." };
        var command = new Command("selfcheck", "Compare the device backends with the host, bit for bit.") { n, backend, device, compile };
        command.Hidden = true;
        command.SetAction(parsed =>
        {
            string? only = parsed.GetValue(backend);
            IReadOnlyList<Backends.IBackendProvider> providers = [.. DeviceCatalog.DeviceProviders().Where(p => only is null || p.Name == only)];
            if (providers.Count == 0) throw new UsageException($"--backend: '{only}' is not a device backend (choose cuda, opencl or ilgpu-cpu).");
            // First, and with no device: a trimmed binary that lost what ILGPU's code generators need fails here.
            if (parsed.GetValue(compile)) KernelTargets.CompileAll(output);
            string dir = Path.Combine(Path.GetTempPath(), $"gpuinference-selfcheck-{Environment.ProcessId}");
            try
            {
                Directory.CreateDirectory(dir);
                var options = new ExperimentSimulationOptions { NodeCount = parsed.GetValue(n), Seed = 11 };
                ExperimentSimulator.Write(Path.Combine(dir, "nodes.csv"), Path.Combine(dir, "edges.csv"), options);
                var nodes = Data.NodeTableReader.Read(Path.Combine(dir, "nodes.csv"));
                var graph = Graph.EdgeListReader.Read(Path.Combine(dir, "edges.csv"), nodes.Ids!);
                SpilloverProblem problem = SpilloverDesignBuilder.Build(nodes, graph);
                int paper = GpuSelfCheck.Run(problem, output, providers, device: parsed.GetValue(device));
                int general = Analysis.Testing.ModelSelfCheck.Run(providers, output, device: parsed.GetValue(device));
                // A disagreement anywhere (1) outranks "nothing could start" (2) only when something did start.
                return paper == 1 || general == 1 ? 1 : Math.Max(paper, general);
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        });
        return command;
    }
}
