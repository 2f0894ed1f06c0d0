using GpuInference.Design;
using GpuInference.Data;

namespace GpuInference.Bench;

/// <summary>A paper-shaped spillover problem built in memory (no CSV), for timing the hot paths alone.</summary>
internal static class SyntheticProblems
{
    public static SpilloverProblem PaperShaped(int nodes, int meanDegree = 5, int seed = 1)
    {
        var random = new System.Random(seed);
        var degree = new int[nodes];
        for (int i = 0; i < nodes; i++) degree[i] = Math.Min(40, (int)(-Math.Log(1 - random.NextDouble()) * meanDegree));
        var level = new int[nodes];
        for (int i = 0; i < nodes; i++) level[i] = random.Next(3);
        int[] order = Enumerable.Range(0, nodes).OrderBy(i => degree[i] * 3 + level[i]).ToArray();
        var offsets = new long[nodes + 1];
        for (int r = 0; r < nodes; r++) offsets[r + 1] = offsets[r] + degree[order[r]];
        var neighbors = new int[offsets[nodes]];
        for (long e = 0; e < neighbors.LongLength; e++) neighbors[e] = random.Next(nodes);
        var outcome = new double[nodes];
        for (int i = 0; i < nodes; i++) outcome[i] = random.NextDouble() < 0.74 ? 1 : 0;
        var cells = new TreatmentCell[nodes];
        for (int i = 0; i < nodes; i++)
        {
            double u = random.NextDouble();
            cells[i] = u < 0.96 ? TreatmentCell.Both : u < 0.98 ? TreatmentCell.Banner : u < 0.99 ? TreatmentCell.Feed : TreatmentCell.Neither;
        }
        var starts = new List<int>();
        var labels = new List<string>();
        for (int r = 0; r < nodes; r++)
        {
            int key = degree[order[r]] * 3 + level[order[r]];
            if (r == 0 || key != degree[order[r - 1]] * 3 + level[order[r - 1]])
            {
                starts.Add(r);
                labels.Add(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        starts.Add(nodes);
        return new SpilloverProblem(nodes, offsets, neighbors, cells, outcome, starts.ToArray(), labels.ToArray());
    }
}
