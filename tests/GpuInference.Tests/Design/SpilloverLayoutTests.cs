using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Graph;

namespace GpuInference.Tests.Design;

/// <summary>
/// The kernel layout against a direct construction: units sorted by (close friends × vote2010), ties in node order,
/// renumbered first, neighbours renumbered. Once through the counting sort and once through the comparison sort a
/// hub's huge degree sends it to.
/// </summary>
public sealed class SpilloverLayoutTests
{
    private static (NodeTable Nodes, CsrGraph Graph) Experiment(int nodeCount, int hubDegree, int seed)
    {
        var random = new System.Random(seed);
        var src = new List<int>();
        var dst = new List<int>();
        for (int node = 0; node < Math.Min(nodeCount, 400); node++)
        {
            int degree = random.Next(6);
            for (int d = 0; d < degree; d++)
            {
                src.Add(node);
                dst.Add(random.Next(nodeCount));
            }
        }
        for (int friend = 1; friend <= hubDegree; friend++)
        {
            src.Add(0);
            dst.Add(friend);
        }
        CsrGraph graph = CsrGraphBuilder.Build(nodeCount, src.ToArray(), dst.ToArray());
        var nodes = new NodeTable
        {
            Count = nodeCount,
            Cells = Enumerable.Range(0, nodeCount).Select(_ => (TreatmentCell)random.Next(4)).ToArray(),
            // Units are the first 400 nodes, less every seventh: the rest are in the graph only.
            Outcome = Enumerable.Range(0, nodeCount).Select(i => i < 400 && i % 7 != 3 ? random.Next(2) : double.NaN).ToArray(),
            Vote2010 = Enumerable.Range(0, nodeCount).Select(_ => (byte)random.Next(3)).ToArray(),
            Vote2010Levels = ["voted", "abstained", "unknown"],
        };
        return (nodes, graph);
    }

    [Theory]
    [InlineData(1000, 0)]        // counting sort
    [InlineData(90_000, 80_000)] // a hub of 80,000 friends: keys span far more than 4 × units, so a comparison sort
    public void MatchesADirectConstruction(int nodeCount, int hubDegree)
    {
        (NodeTable nodes, CsrGraph graph) = Experiment(nodeCount, hubDegree, seed: nodeCount);
        SpilloverProblem problem = SpilloverDesignBuilder.Build(nodes, graph);

        int[] units = Enumerable.Range(0, nodes.Count).Where(nodes.IsUnit)
            .OrderBy(n => (long)graph.Degree(n) * 3 + nodes.Vote2010[n]).ThenBy(n => n).ToArray();
        int[] rest = Enumerable.Range(0, nodes.Count).Where(n => !nodes.IsUnit(n)).ToArray();
        int[] newIndex = new int[nodes.Count];
        int[] byNew = [.. units, .. rest];
        for (int i = 0; i < byNew.Length; i++) newIndex[byNew[i]] = i;

        Assert.Equal(units.Length, problem.UnitCount);
        Assert.Equal(byNew.Select(n => nodes.Cells[n]), problem.Cells);
        Assert.Equal(units.Select(n => nodes.Outcome[n]), problem.Outcome);
        for (int i = 0; i < units.Length; i++)
        {
            int node = units[i];
            int[] expected = graph.Columns.AsSpan((int)graph.RowOffsets[node], graph.Degree(node)).ToArray().Select(f => newIndex[f]).ToArray();
            Assert.Equal(expected, problem.Neighbors.AsSpan((int)problem.RowOffsets[i], (int)(problem.RowOffsets[i + 1] - problem.RowOffsets[i])).ToArray());
        }
        var keys = units.Select(n => (graph.Degree(n), nodes.Vote2010Levels[nodes.Vote2010[n]])).ToArray();
        int[] starts = Enumerable.Range(0, units.Length).Where(i => i == 0 || keys[i] != keys[i - 1]).Append(units.Length).ToArray();
        Assert.Equal(starts, problem.StratumStart);
        Assert.Equal(starts.SkipLast(1).Select(i => $"friends={keys[i].Item1}, vote2010={keys[i].Item2}"), problem.StratumLabels);
    }
}
