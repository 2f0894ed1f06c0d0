using System.Security.Cryptography;
using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Graph;
using GpuInference.Simulation;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Simulation;

/// <summary>One 200,000-person simulation, loaded through the ordinary readers, shared by the checks below.</summary>
public sealed class SimulatedExperiment : IDisposable
{
    public const int People = 200_000;
    private readonly TestFiles _files = new();

    public SimulatedExperiment()
    {
        Summary = ExperimentSimulator.Write(_files.PathOf("nodes.csv"), _files.PathOf("edges.csv"), new ExperimentSimulationOptions { NodeCount = People, Seed = 7 });
        Nodes = NodeTableReader.Read(_files.PathOf("nodes.csv"));
        Graph = EdgeListReader.Read(_files.PathOf("edges.csv"), Nodes.Ids!);
    }

    public SimulationSummary Summary { get; }
    public NodeTable Nodes { get; }
    public CsrGraph Graph { get; }

    public void Dispose() => _files.Dispose();
}

public sealed class ExperimentSimulatorTests(SimulatedExperiment experiment) : IClassFixture<SimulatedExperiment>, IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void SameSeedGivesIdenticalFilesAndAnotherSeedDoesNot()
    {
        var options = new ExperimentSimulationOptions { NodeCount = 70_001, Seed = 11, Gzip = true };
        ExperimentSimulator.Write(_files.PathOf("a.nodes.gz"), _files.PathOf("a.edges.gz"), options);
        ExperimentSimulator.Write(_files.PathOf("b.nodes.gz"), _files.PathOf("b.edges.gz"), options);
        ExperimentSimulator.Write(_files.PathOf("c.nodes.gz"), _files.PathOf("c.edges.gz"), options with { Seed = 12 });
        Assert.Equal(Hash(_files.PathOf("a.nodes.gz")), Hash(_files.PathOf("b.nodes.gz")));
        Assert.Equal(Hash(_files.PathOf("a.edges.gz")), Hash(_files.PathOf("b.edges.gz")));
        Assert.NotEqual(Hash(_files.PathOf("a.edges.gz")), Hash(_files.PathOf("c.edges.gz")));
        Assert.Equal(70_001, NodeTableReader.Read(_files.PathOf("a.nodes.gz")).Count);
    }

    [Fact]
    public void CellSharesAreWithinBinomialTolerance()
    {
        var counts = new long[4];
        foreach (var cell in experiment.Nodes.Cells) counts[(int)cell]++;
        Assert.Equal(counts, experiment.Summary.CellCounts);
        double n = SimulatedExperiment.People;
        (TreatmentCell Cell, double Share)[] expected = [(TreatmentCell.Both, 0.96), (TreatmentCell.Banner, 0.02), (TreatmentCell.Feed, 0.01), (TreatmentCell.Neither, 0.01)];
        foreach (var (cell, share) in expected)
        {
            double sd = Math.Sqrt(n * share * (1 - share));
            Assert.InRange(counts[(int)cell], n * share - 4.5 * sd, n * share + 4.5 * sd);
        }
    }

    [Fact]
    public void DegreeIsAboutFiveSkewedWithZerosAndATail()
    {
        var graph = experiment.Graph;
        Assert.Equal(experiment.Summary.EdgeCount, graph.EdgeCount);
        Assert.Equal(0, graph.SelfLoopsDropped);
        Assert.Equal(0, graph.DuplicatesDropped);
        Assert.InRange(graph.EdgeCount / (double)graph.NodeCount, 4.95, 5.05);
        int zeros = 0, many = 0;
        for (int i = 0; i < graph.NodeCount; i++)
        {
            if (graph.Degree(i) == 0) zeros++;
            if (graph.Degree(i) >= 17) many++;
        }
        // Negative binomial, shape 2, mean 5: P(0) = (2/7)^2 = 0.0816; P(>= 17) = 0.0192 (SD of the shares about 0.0006 and 0.0003).
        Assert.InRange(zeros / (double)graph.NodeCount, 0.0786, 0.0846);
        Assert.InRange(many / (double)graph.NodeCount, 0.0177, 0.0207);
    }

    [Fact]
    public void FriendsOfFriendsAreOftenFriends()
    {
        // Share of two-paths i→j→k closed by an edge i→k or k→i; a uniform random graph would give about 10/N.
        var g = experiment.Graph;
        var neighbours = new HashSet<int>();
        long paths = 0, closed = 0;
        for (int i = 0; i < g.NodeCount; i += 50)
        {
            neighbours.Clear();
            for (long e = g.RowOffsets[i]; e < g.RowOffsets[i + 1]; e++) neighbours.Add(g.Columns[e]);
            for (long e = g.RowOffsets[i]; e < g.RowOffsets[i + 1]; e++)
            {
                int j = g.Columns[e];
                for (long f = g.RowOffsets[j]; f < g.RowOffsets[j + 1]; f++)
                {
                    int k = g.Columns[f];
                    if (k == i) continue;
                    paths++;
                    if (neighbours.Contains(k)) closed++;
                }
            }
        }
        Assert.InRange(closed / (double)paths, 0.03, 0.5);
    }

    [Fact]
    public void TurnoutIsAboutSeventyFourPercent()
    {
        var nodes = experiment.Nodes;
        double turnout = nodes.Outcome.Average();
        Assert.Equal(experiment.Summary.Turnout, turnout, 12);
        // Base 0.7375 + direct about 0.0023 + spillover about 5 × (0.98 × 0.0010 + 0.97 × 0.0001) = 0.7452; SD of the mean is 0.001.
        Assert.InRange(turnout, 0.7402, 0.7502);
        Assert.Equal(["abstained", "unknown", "voted"], nodes.Vote2010Levels.Order().ToArray());
        double loggedIn = nodes.LoggedIn!.Average(b => (double)b);
        Assert.InRange(loggedIn, 0.670, 0.684);
    }

    [Fact]
    public void Vote2010GroupsHaveTheirShareAndTurnout()
    {
        var nodes = experiment.Nodes;
        int voted = Array.IndexOf(nodes.Vote2010Levels, "voted");
        int abstained = Array.IndexOf(nodes.Vote2010Levels, "abstained");
        double ShareOf(int level) => nodes.Vote2010.Count(v => v == level) / (double)nodes.Count;
        double TurnoutOf(int level) => Enumerable.Range(0, nodes.Count).Where(i => nodes.Vote2010[i] == level).Average(i => nodes.Outcome[i]);
        Assert.InRange(ShareOf(voted), 0.545, 0.555);
        Assert.InRange(ShareOf(abstained), 0.245, 0.255);
        Assert.InRange(TurnoutOf(voted), 0.89, 0.90);
        Assert.InRange(TurnoutOf(abstained), 0.435, 0.46);
    }

    [Fact]
    public void UnmatchedPeopleHaveAnEmptyOutcome()
    {
        var options = new ExperimentSimulationOptions { NodeCount = 20_000, Seed = 3, UnmatchedShare = 0.3, IncludeLoggedIn = false };
        var summary = ExperimentSimulator.Write(_files.PathOf("n.csv"), _files.PathOf("e.csv"), options);
        var nodes = NodeTableReader.Read(_files.PathOf("n.csv"));
        Assert.Null(nodes.LoggedIn);
        int units = Enumerable.Range(0, nodes.Count).Count(nodes.IsUnit);
        Assert.Equal(summary.UnitCount, units);
        Assert.InRange(units / 20_000.0, 0.68, 0.72);
    }

    [Fact]
    public void ProgressReachesTheEnd()
    {
        var seen = new List<SimulationProgress>();
        var progress = new SynchronousProgress(seen.Add);
        ExperimentSimulator.Write(_files.PathOf("n.csv"), _files.PathOf("e.csv"), new ExperimentSimulationOptions { NodeCount = 300_000, Seed = 5 }, progress);
        Assert.NotEmpty(seen);
        Assert.Equal(300_000, seen[^1].NodesWritten);
        Assert.Equal(1.0, seen[^1].Fraction);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.NodesWritten < p.Second.NodesWritten));
    }

    [Fact]
    public void TinyGraphsStillWork()
    {
        var summary = ExperimentSimulator.Write(_files.PathOf("n.csv"), _files.PathOf("e.csv"), new ExperimentSimulationOptions { NodeCount = 3, Seed = 1 });
        var nodes = NodeTableReader.Read(_files.PathOf("n.csv"));
        var graph = EdgeListReader.Read(_files.PathOf("e.csv"), nodes.Ids!);
        Assert.Equal(3, graph.NodeCount);
        Assert.Equal(summary.EdgeCount, graph.EdgeCount);
        Assert.True(graph.EdgeCount <= 6);
    }

    private sealed class SynchronousProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }
}
