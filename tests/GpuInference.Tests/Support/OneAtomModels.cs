using GpuInference.Backends.Models;

namespace GpuInference.Tests.Support;

/// <summary>
/// Laid-out models whose every term is one atom (the shape the byte-counter paths take), for tests that hold two
/// paths to each other: units of given degrees with friends drawn among all nodes (some of them not units), codes 0,
/// 1 and 2 with indicators code = 1, code = 2 and code ≥ 1, groups in unit order, a residualised outcome and two
/// basis columns, baseline code 1. Everything is drawn from <c>random</c>, so a failure reproduces.
/// </summary>
internal static class OneAtomModels
{
    /// <summary>The atoms, one per term, as <see cref="ModelProblem"/> lays them out.</summary>
    public sealed record Atoms(int[] Kind, int[] Parameter, int[] Indicator, int[] LevelStart, int[] LevelIndicator, double[] LevelValue);

    /// <param name="random">The draws.</param>
    /// <param name="nodes">Nodes of the graph; the first degrees.Length are the units.</param>
    /// <param name="degrees">Each unit's number of friends.</param>
    /// <param name="groups">Absorbed groups, in unit order.</param>
    /// <param name="atoms">The terms.</param>
    /// <param name="shift">Each (group, term)'s shift, from a draw in [−1, 1).</param>
    /// <param name="exact">Which terms are exact (<see cref="ModelProblem.ExactTerms"/>), or null for none.</param>
    /// <param name="chunkUnits">Units per chunk of whole groups; 0 for one chunk.</param>
    /// <param name="repeatedTie">A unit whose second friend repeats its first (a duplicate tie), or −1.</param>
    /// <param name="shares">Whether a chunk that lies within one group is a share of it (its group, not −1), as a group larger than a chunk is laid out.</param>
    public static ModelProblem Create(
        System.Random random, int nodes, int[] degrees, int groups, Atoms atoms, Func<int, int, double, double> shift,
        bool[]? exact = null, int chunkUnits = 0, int repeatedTie = -1, bool shares = false)
    {
        int units = degrees.Length, k = atoms.Kind.Length;
        var offsets = new long[nodes + 1];
        var friends = new List<int>();
        for (int u = 0; u < units; u++)
        {
            for (int e = 0; e < degrees[u]; e++) friends.Add(u == repeatedTie && e == 1 ? friends[^1] : random.Next(nodes));
            offsets[u + 1] = friends.Count;
        }
        for (int v = units + 1; v <= nodes; v++) offsets[v] = friends.Count;
        int[] unitGroup = [.. Enumerable.Range(0, units).Select(u => u * groups / units)];
        var groupSize = new int[groups];
        foreach (int g in unitGroup) groupSize[g]++;
        double[] Values(int length) => [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)];
        double[] shifts = [.. Values(groups * k).Select((v, at) => shift(at / k, at % k, v))];
        int chunks = chunkUnits > 0 ? (units + chunkUnits - 1) / chunkUnits : 1;
        int[] chunkStart = chunkUnits > 0 ? [.. Enumerable.Range(0, chunks).Select(c => c * chunkUnits), units] : [0, units];
        int ChunkGroup(int c) => shares && unitGroup[chunkStart[c]] == unitGroup[chunkStart[c + 1] - 1] ? unitGroup[chunkStart[c]] : -1;
        return new ModelProblem
        {
            NodeCount = nodes,
            FileNode = [.. Enumerable.Range(0, nodes)],
            RowOffsets = offsets,
            Neighbors = [.. friends],
            Indicators = [[false, true, false], [false, false, true], [false, true, true]],
            AtomKind = atoms.Kind,
            AtomParameter = atoms.Parameter,
            AtomIndicator = atoms.Indicator,
            LevelStart = atoms.LevelStart,
            LevelIndicator = atoms.LevelIndicator,
            LevelValue = atoms.LevelValue,
            TermStart = [.. Enumerable.Range(0, k + 1)],
            TermAtoms = [.. Enumerable.Range(0, k)],
            TermFixedFactor = [.. Enumerable.Repeat(-1, k)],
            FixedFactors = [],
            UnitCount = units,
            Outcome = Values(units),
            Basis = Values(2 * units),
            BasisCount = 2,
            Absorbs = true,
            UnitGroup = unitGroup,
            GroupSize = groupSize,
            Shift = shifts,
            ExactTerms = exact ?? new bool[k],
            Leverage = new double[units],
            ChunkStart = chunkStart,
            ChunkGroup = [.. Enumerable.Range(0, chunks).Select(ChunkGroup)],
            BaselineCode = 1,
        };
    }
}
