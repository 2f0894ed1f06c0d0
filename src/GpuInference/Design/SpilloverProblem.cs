using GpuInference.Data;

namespace GpuInference.Design;

/// <summary>
/// The spillover regression, laid out for kernels: what every permutation backend receives and nothing more.
/// <para>
/// Nodes are renumbered so that the analysis units come first, sorted by stratum: unit <c>i</c> is node <c>i</c>,
/// and each stratum is a contiguous range of units, so its sums are range reductions. Nodes at
/// <c>[UnitCount, NodeCount)</c> are in the graph and their treatment counts for their friends, but they have no
/// outcome. Units are cut into chunks that never cross a stratum boundary; a chunk is the unit of work of every
/// backend, and its partial sums are combined in chunk order, so the floating-point order of summation (for a
/// real-valued outcome) is a property of the problem, not of threads, batches or devices.
/// </para>
/// <para>The regressors of unit i under a permutation are x = (friends with banner, friends with feed, own banner, own feed).</para>
/// </summary>
public sealed class SpilloverProblem
{
    /// <summary>Regressors of the spillover model: banner exposure, feed exposure, own banner, own feed.</summary>
    public const int Regressors = 4;

    /// <summary>Units per chunk at most. Fixed, so that results never depend on how work is split.</summary>
    public const int DefaultChunkSize = 2048;

    private CellMinority? _minority;

    public SpilloverProblem(
        int nodeCount, long[] rowOffsets, int[] neighbors, TreatmentCell[] cells, double[] outcome,
        int[] stratumStart, string[] stratumLabels, int chunkSize = DefaultChunkSize)
    {
        int unitCount = outcome.Length;
        if (rowOffsets.Length != unitCount + 1) throw new ArgumentException("rowOffsets must have one entry per unit plus one.", nameof(rowOffsets));
        if (cells.Length != nodeCount) throw new ArgumentException("cells must have one entry per node.", nameof(cells));
        if (unitCount > nodeCount) throw new ArgumentException("more units than nodes.", nameof(outcome));
        if (stratumStart.Length < 2 || stratumStart[0] != 0 || stratumStart[^1] != unitCount)
            throw new ArgumentException("stratumStart must run from 0 to the unit count.", nameof(stratumStart));
        if (stratumLabels.Length != stratumStart.Length - 1) throw new ArgumentException("one label per stratum.", nameof(stratumLabels));
        if (rowOffsets[^1] != neighbors.LongLength) throw new ArgumentException("rowOffsets must end at the neighbor count.", nameof(rowOffsets));
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);

        NodeCount = nodeCount;
        UnitCount = unitCount;
        RowOffsets = rowOffsets;
        Neighbors = neighbors;
        Cells = cells;
        Outcome = outcome;
        StratumStart = stratumStart;
        StratumLabels = stratumLabels;
        ChunkSize = chunkSize;
        OutcomeIsInteger = outcome.All(y => y == Math.Floor(y) && Math.Abs(y) < (1 << 30));

        int strata = stratumStart.Length - 1;
        StratumOutcomeSum = new double[strata];
        var chunkStart = new List<int>();
        var chunkStratum = new List<int>();
        StratumFirstChunk = new int[strata + 1];
        for (int s = 0; s < strata; s++)
        {
            if (stratumStart[s + 1] <= stratumStart[s]) throw new ArgumentException($"stratum {stratumLabels[s]} is empty.", nameof(stratumStart));
            double sum = 0;
            for (int i = stratumStart[s]; i < stratumStart[s + 1]; i++) sum += outcome[i];
            StratumOutcomeSum[s] = sum;
            StratumFirstChunk[s] = chunkStart.Count;
            for (int start = stratumStart[s]; start < stratumStart[s + 1]; start += chunkSize)
            {
                chunkStart.Add(start);
                chunkStratum.Add(s);
            }
        }
        StratumFirstChunk[strata] = chunkStart.Count;
        chunkStart.Add(unitCount);
        ChunkStart = chunkStart.ToArray();
        ChunkStratum = chunkStratum.ToArray();
    }

    /// <summary>All nodes whose treatment is permuted: the units first, then the rest.</summary>
    public int NodeCount { get; }

    /// <summary>Analysis units: nodes 0..UnitCount-1, in stratum order.</summary>
    public int UnitCount { get; }

    /// <summary>CSR offsets (64-bit) of each unit's close friends in <see cref="Neighbors"/>; UnitCount + 1 entries.</summary>
    public long[] RowOffsets { get; }

    /// <summary>CSR column indices (32-bit node numbers): the close friends whose treatment unit i is exposed to.</summary>
    public int[] Neighbors { get; }

    /// <summary>The observed cell of every node; permutations move these pairs jointly.</summary>
    public TreatmentCell[] Cells { get; }

    /// <summary>The outcome of each unit.</summary>
    public double[] Outcome { get; }

    /// <summary>True when every outcome is an integer of modest size: sums are then exact in any order.</summary>
    public bool OutcomeIsInteger { get; }

    /// <summary>First unit of each stratum, with the unit count appended.</summary>
    public int[] StratumStart { get; }

    /// <summary>A readable name per stratum, e.g. "friends=5, vote2010=voted".</summary>
    public string[] StratumLabels { get; }

    /// <summary>Sum of the outcome in each stratum (constant across permutations).</summary>
    public double[] StratumOutcomeSum { get; }

    /// <summary>Units per chunk at most.</summary>
    public int ChunkSize { get; }

    /// <summary>First unit of each chunk, with the unit count appended.</summary>
    public int[] ChunkStart { get; }

    /// <summary>Stratum of each chunk.</summary>
    public int[] ChunkStratum { get; }

    /// <summary>First chunk of each stratum, with the chunk count appended.</summary>
    public int[] StratumFirstChunk { get; }

    /// <summary>The nodes outside the most common cell (computed on first use; the permuted assignments are built from it).</summary>
    public CellMinority Minority => LazyInitializer.EnsureInitialized(ref _minority, () => CellMinority.Of(Cells));

    public int StratumCount => StratumStart.Length - 1;

    public int ChunkCount => ChunkStratum.Length;

    public long EdgeCount => Neighbors.LongLength;

    /// <summary>Units in stratum s.</summary>
    public int StratumSize(int s) => StratumStart[s + 1] - StratumStart[s];
}
