using GpuInference.Analysis;
using GpuInference.Analysis.Testing;
using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Engine;
using GpuInference.Reporting;
using GpuInference.Simulation;
using GpuInference.Tests.Cli;

namespace GpuInference.Tests.Engine;

/// <summary>The library's front door as README's "From C#" uses it: the same calls, no command line.</summary>
public sealed class ExperimentsTests
{
    [Fact]
    public void TestAndPublishAsTheReadmeShows()
    {
        string dir = CliRunner.TempFolder();
        VillageExperimentSimulator.Write(Path.Combine(dir, "nodes.csv"), Path.Combine(dir, "edges.csv"), 2000, 1);
        NetworkTestReport report = Experiments.Test(new NetworkTestOptions
        {
            NodesPath = Path.Combine(dir, "nodes.csv"), EdgesPath = Path.Combine(dir, "edges.csv"),
            Formula = "takeup ~ share(intensive) + intensive + age + male | village",
            Permute = ["intensive"], Within = "village", Clusters = "session",
            Se = "CR2", SeClusters = "session", DropUnknownEdges = true, Permutations = 40, Seed = 1,
        });
        Assert.Equal("CR2:session", report.Covariance);
        Assert.Equal(["share(intensive)", "intensive", "age", "male"], report.Coefficients.Select(c => c.Term));
        Assert.NotNull(report.Coefficients[0].Randomization);
        string folder = Path.Combine(dir, "village-report");
        using (var publication = ReportPublication.Begin(folder)) Experiments.Publish(publication, report);
        Assert.True(File.Exists(Path.Combine(folder, ReportFiles.Json)));
        Assert.Equal(41, File.ReadAllLines(Path.Combine(folder, ReportFiles.NullCsv)).Length);
    }

    [Fact]
    public void AnalyzeChoosesAmongTheCallersBackends()
    {
        string dir = CliRunner.TempFolder();
        ExperimentSimulator.Write(Path.Combine(dir, "nodes.csv"), Path.Combine(dir, "edges.csv"), new ExperimentSimulationOptions { NodeCount = 3000, Seed = 2 });
        var experiments = new Experiments([new CpuBackendProvider()]);
        Assert.Equal(["cpu"], experiments.Providers.Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => experiments.CheckBackend("cuda"));
        AnalysisReport report = experiments.Analyze(
            new ExperimentInputs { NodesPath = Path.Combine(dir, "nodes.csv"), EdgesPath = Path.Combine(dir, "edges.csv") },
            new AnalysisOptions { Permutations = 30 });
        Assert.Equal("cpu", report.Metadata.Backend);
        Assert.Equal(30, report.Metadata.Permutations);
        Assert.Contains(report.Metadata.InputPaths, p => p.Key == "nodes");
    }

    [Fact]
    public void TheDefaultProvidersAreTheLibrarysOwn() =>
        Assert.Equal(["cuda", "opencl", "cpu", "ilgpu-cpu"], new Experiments().Providers.Select(p => p.Name));
}
