using GpuInference.Backends;
using GpuInference.Simulation;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// The field check of the general model's kernels: on a simulated village experiment (sessions within villages,
/// nominations outside the sample, tie weights added), runs a few models through the managed CPU backend and through each
/// device backend, and compares every statistic of every permutation bit for bit. Covers every exposure kind, an
/// own treatment, covariates, the absorbed fixed effect, and each kind of second pass (HC2, HC3, clustered).
/// </summary>
public static class ModelSelfCheck
{
    private static readonly (string Formula, string Se, bool Studentized)[] Models =
    [
        ("takeup ~ count(intensive) + share(intensive) + any(intensive) + atleast(intensive, 2) + intensive + age | village", "HC2", true),
        ("takeup ~ wsum(intensive) + wshare(intensive) + intensive + male | village", "HC3", true),
        ("takeup ~ share(intensive) + intensive + age + male | village", "CR1:village", true),
        ("takeup ~ share(intensive) + intensive:age + intensive", "Classical", false),
    ];

    /// <returns>0 when every device backend that started agreed bit for bit, 1 on any disagreement, 2 when none started.</returns>
    public static int Run(IReadOnlyList<IBackendProvider> devices, TextWriter output, int people = 4000, int? device = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(output);
        string dir = Path.Combine(Path.GetTempPath(), $"gpuinference-modelcheck-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(dir);
            string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv");
            VillageExperimentSimulator.Write(nodes, edges, people, 11);
            AddTieWeights(edges);
            output.WriteLine("general models:");
            int started = 0;
            bool agree = true;
            foreach (IBackendProvider provider in devices)
            {
                if (!provider.Probe(new BackendOptions { Device = device }).IsAvailable)
                {
                    output.WriteLine($"{provider.Name}: SKIP (unavailable)");
                    continue;
                }
                started++;
                foreach (var (formula, se, studentized) in Models)
                {
                    NetworkTestOptions options = Options(nodes, edges, formula, se, studentized) with { Device = device };
                    NetworkTestReport reference = NetworkTest.Run(options with { Backend = "cpu" });
                    NetworkTestReport candidate = NetworkTest.Run(options with { Backend = provider.Name }, providers: [provider]);
                    int differing = Differing(reference, candidate);
                    output.WriteLine($"{provider.Name}: {(differing == 0 ? "OK" : "FAIL")} {formula} [{se}{(studentized ? ", t" : "")}]" +
                        (differing == 0 ? "" : $": {differing} values differ"));
                    agree &= differing == 0;
                }
            }
            if (started == 0) output.WriteLine("no device backend could start");
            return started == 0 ? 2 : agree ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Gives every nomination a tie weight from 1 to 7 (by its line), for the weighted exposures.</summary>
    private static void AddTieWeights(string edges)
    {
        string[] lines = File.ReadAllLines(edges);
        lines[0] += ",weight";
        for (int i = 1; i < lines.Length; i++) lines[i] += "," + (1 + i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllLines(edges, lines);
    }

    private static NetworkTestOptions Options(string nodes, string edges, string formula, string se, bool studentized)
    {
        string[] parts = se.Split(':');
        return new NetworkTestOptions
        {
            NodesPath = nodes,
            EdgesPath = edges,
            Formula = formula,
            Permute = ["intensive"],
            Within = "village",
            Clusters = "session",
            Se = parts[0],
            SeClusters = parts.Length > 1 ? parts[1] : null,
            Statistic = studentized ? Inference.Models.TestStatistic.Studentized : Inference.Models.TestStatistic.Coefficient,
            DropUnknownEdges = true,
            Permutations = 150,
            Seed = 20121102,
        };
    }

    /// <summary>Values (observed and permuted, every statistic) whose bits differ.</summary>
    private static int Differing(NetworkTestReport a, NetworkTestReport b)
    {
        int differing = 0;
        for (int s = 0; s < a.Nulls.Count; s++)
        {
            var (_, x) = a.Nulls[s];
            var (_, y) = b.Nulls[s];
            if (BitConverter.DoubleToInt64Bits(x.Observed) != BitConverter.DoubleToInt64Bits(y.Observed)) differing++;
            for (int i = 0; i < x.Values.Length; i++)
            {
                if (BitConverter.DoubleToInt64Bits(x.Values[i]) != BitConverter.DoubleToInt64Bits(y.Values[i])) differing++;
            }
        }
        return differing;
    }
}
