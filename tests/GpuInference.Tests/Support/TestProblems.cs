using GpuInference.Design;
using GpuInference.Random;

namespace GpuInference.Tests.Support;

/// <summary>Small spillover problems with awkward shapes, built from a seed.</summary>
public static class TestProblems
{
    /// <summary>
    /// A random directed graph on <paramref name="nodes"/> nodes of which the first <paramref name="units"/> have an
    /// outcome; degrees vary from 0 to 2·meanDegree, cells follow the paper's skewed 2×2 shares unless
    /// <paramref name="balanced"/>, and strata are (degree × one of three levels).
    /// </summary>
    public static SpilloverProblem Random(int nodes, int units, int meanDegree, ulong seed, bool realOutcome = false, bool balanced = true, int chunkSize = 16)
    {
        var stream = new Stream(seed);
        var degree = new int[units];
        var level = new int[units];
        for (int i = 0; i < units; i++)
        {
            degree[i] = (int)(stream.Next() % (uint)(2 * meanDegree + 1));
            level[i] = (int)(stream.Next() % 3);
        }
        int[] order = Enumerable.Range(0, units).OrderBy(i => degree[i] * 3 + level[i]).ThenBy(i => i).ToArray();
        var rowOffsets = new long[units + 1];
        var neighbors = new List<int>();
        var outcome = new double[units];
        var stratumStart = new List<int>();
        var labels = new List<string>();
        for (int r = 0; r < units; r++)
        {
            int i = order[r];
            int key = degree[i] * 3 + level[i];
            if (r == 0 || key != degree[order[r - 1]] * 3 + level[order[r - 1]])
            {
                stratumStart.Add(r);
                labels.Add($"d={degree[i]},l={level[i]}");
            }
            var friends = new HashSet<int>();
            while (friends.Count < Math.Min(degree[i], nodes - 1))
            {
                int friend = (int)(stream.Next() % (uint)nodes);
                if (friend != r) friends.Add(friend);
            }
            neighbors.AddRange(friends.Order());
            rowOffsets[r + 1] = neighbors.Count;
            outcome[r] = realOutcome ? (stream.Next() % 100000) / 1000.0 - 37.5 : stream.Next() % 4 < 3 ? 1 : 0;
        }
        stratumStart.Add(units);
        var cells = new TreatmentCell[nodes];
        for (int j = 0; j < nodes; j++)
        {
            uint draw = stream.Next() % 100;
            cells[j] = balanced
                ? (TreatmentCell)(draw % 4)
                : draw < 96 ? TreatmentCell.Both : draw < 98 ? TreatmentCell.Banner : draw < 99 ? TreatmentCell.Feed : TreatmentCell.Neither;
        }
        return new SpilloverProblem(nodes, rowOffsets, neighbors.ToArray(), cells, outcome, stratumStart.ToArray(), labels.ToArray(), chunkSize);
    }

    /// <summary>A tiny counter-based stream for building test data (Philox, so it needs no state beyond a counter).</summary>
    private sealed class Stream(ulong seed)
    {
        private uint _counter;

        public uint Next() => Philox4x32.Generate(_counter++, 0x7e57, 0, 0, (uint)seed, (uint)(seed >> 32)).X0;
    }
}
