using GpuInference.Design;
using GpuInference.Random;
using GpuInference.Data;

namespace GpuInference.Tests.Support;

/// <summary>
/// Spillover problems of awkward shapes for every backend test: 1, 2 or 31 nodes, a prime million, empty rows,
/// nodes without outcome, 0/1 and real outcomes. Everything is drawn from the seed, so a failure reproduces.
/// </summary>
public static class TestProblems
{
    /// <summary>
    /// A random directed graph on <paramref name="nodes"/> nodes of which the first <paramref name="units"/> have an
    /// outcome; degrees vary from 0 to 2·meanDegree (a fraction <paramref name="emptyRows"/> more is forced to 0),
    /// cells follow the paper's skewed 2×2 shares unless <paramref name="balanced"/>. Units are sorted by
    /// (degree, one of three levels); strata are those keys, or <paramref name="strata"/> equal slices of that order.
    /// </summary>
    public static SpilloverProblem Random(
        int nodes, int units, double meanDegree, ulong seed, bool realOutcome = false, bool balanced = true,
        int chunkSize = 16, double emptyRows = 0, int? strata = null)
    {
        var stream = new Stream(seed);
        var degree = new int[units];
        var level = new int[units];
        uint degrees = (uint)Math.Ceiling(2 * meanDegree) + 1;
        for (int i = 0; i < units; i++)
        {
            degree[i] = (int)(stream.Next() % degrees);
            level[i] = (int)(stream.Next() % 3);
            // Drawn only when asked for, so that problems without forced empty rows keep their data.
            if (emptyRows > 0 && stream.Next() % 1_000_000 < emptyRows * 1_000_000) degree[i] = 0;
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
        if (strata is int count)
        {
            count = Math.Clamp(count, 1, Math.Max(1, units));
            stratumStart = [.. Enumerable.Range(0, count + 1).Select(s => (int)((long)units * s / count))];
            labels = [.. Enumerable.Range(0, count).Select(s => $"stratum {s}")];
        }
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
