using GpuInference.Design;

namespace GpuInference.Tests.Gpu;

/// <summary>Random spillover problems of awkward shapes; every generator takes its seed so failures reproduce.</summary>
internal static class TestProblems
{
    /// <summary>
    /// <paramref name="nodes"/> nodes of which the first <paramref name="units"/> have an outcome, cut into
    /// <paramref name="strata"/> contiguous strata; each unit has 0 .. 2·<paramref name="meanDegree"/> distinct friends
    /// among all nodes (a fraction <paramref name="emptyRows"/> has none); cells uniform over the four.
    /// </summary>
    public static SpilloverProblem Random(
        int seed, int nodes, int units, int strata, double meanDegree, bool realOutcome,
        double emptyRows = 0.1, int chunkSize = SpilloverProblem.DefaultChunkSize)
    {
        var random = new System.Random(seed);
        var cells = new TreatmentCell[nodes];
        for (int j = 0; j < nodes; j++) cells[j] = (TreatmentCell)random.Next(4);

        var outcome = new double[units];
        for (int i = 0; i < units; i++)
        {
            outcome[i] = realOutcome
                ? Math.Round(random.NextDouble() * 10 - 3, 6) + 1.0 / 3.0 * random.Next(3)
                : random.Next(2);
        }

        var rowOffsets = new long[units + 1];
        var neighbors = new List<int>();
        var row = new HashSet<int>();
        for (int i = 0; i < units; i++)
        {
            row.Clear();
            if (nodes > 1 && random.NextDouble() >= emptyRows)
            {
                int degree = Math.Min(nodes - 1, random.Next((int)Math.Ceiling(2 * meanDegree) + 1));
                while (row.Count < degree)
                {
                    int friend = random.Next(nodes);
                    if (friend != i) row.Add(friend);
                }
            }
            var sorted = row.ToArray();
            Array.Sort(sorted);
            neighbors.AddRange(sorted);
            rowOffsets[i + 1] = neighbors.Count;
        }

        strata = Math.Max(1, Math.Min(strata, units));
        var stratumStart = new int[strata + 1];
        for (int s = 1; s < strata; s++) stratumStart[s] = (int)((long)units * s / strata);
        stratumStart[strata] = units;
        string[] labels = Enumerable.Range(0, strata).Select(s => $"stratum {s}").ToArray();
        return new SpilloverProblem(nodes, rowOffsets, neighbors.ToArray(), cells, outcome, stratumStart, labels, chunkSize);
    }
}
