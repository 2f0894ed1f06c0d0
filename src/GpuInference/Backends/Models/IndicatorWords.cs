using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuInference.Design.Randomization;

namespace GpuInference.Backends.Models;

/// <summary>
/// The bit-sliced assignment of a batch for the general model: for every node and indicator one 64-bit word whose
/// bit p says whether the node's code under permutation p is in the indicator's set ([node · indicators + i]).
/// Permutations are dealt out eight at a time, each worker owning one byte of every word, so workers never write the
/// same byte and the words do not depend on how many there are. Bits at and above the batch's count stay 0.
/// </summary>
public sealed class IndicatorWords
{
    /// <summary>How many changes ahead a word is prefetched.</summary>
    private const int PrefetchDistance = 16;

    /// <summary>
    /// The most memory a batch's changes may take sorted by region (8 bytes a change): 512 MiB, which holds 64
    /// permutations of a million changes each (the paper's 2% off the baseline at 50 million people).
    /// </summary>
    public const long RegionBudgetBytes = 512L << 20;

    /// <summary>The words of one region: small enough to stay in the first-level cache while a batch's flips land in it.</summary>
    public const int RegionBytes = 32 << 10;

    private readonly long _regionBudgetBytes;

    /// <summary>A region holds 2^shift nodes: a shift, not a division, sorts each change by region.</summary>
    private readonly int _regionShift;

    /// <summary>Per permutation of a batch: its changes as (node · 256 + flipped indicators), sorted by region, and where each region's start.</summary>
    private long[][]? _sortedChanges;
    private int[][]? _regionStarts;

    /// <summary>Scratch for drawing one permutation's changes, one pair per worker at a time, kept across batches.</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<(int[] Units, int[] Codes)> _drawScratch = [];

    private readonly ModelProblem _problem;
    private readonly byte[] _codeMask;

    public IndicatorWords(ModelProblem problem)
        : this(problem, RegionBudgetBytes, 0)
    {
    }

    /// <param name="problem">The laid-out model.</param>
    /// <param name="regionBudgetBytes">The most a batch's sorted changes may take (<see cref="RegionBudgetBytes"/>); beyond it the changes are flipped lane by lane.</param>
    /// <param name="regionShift">Regions of 2^shift nodes of the words, or 0 for regions of at most <see cref="RegionBytes"/>; tests set a few nodes to get many regions.</param>
    internal IndicatorWords(ModelProblem problem, long regionBudgetBytes, int regionShift)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        _regionBudgetBytes = regionBudgetBytes;
        _regionShift = regionShift > 0 ? regionShift : Math.Max(6, BitOperations.Log2((uint)(RegionBytes / (sizeof(ulong) * Math.Max(1, problem.IndicatorCount)))));
        int codes = problem.Indicators.Length == 0 ? 0 : problem.Indicators.Max(i => i.Length);
        _codeMask = new byte[codes];
        for (int i = 0; i < problem.IndicatorCount; i++)
        {
            for (int code = 0; code < problem.Indicators[i].Length; code++)
            {
                if (problem.Indicators[i][code]) _codeMask[code] |= (byte)(1 << i);
            }
        }
        Words = new ulong[(long)problem.NodeCount * Math.Max(1, problem.IndicatorCount)];
    }

    public ulong[] Words { get; }

    private int[]? _problemNode;

    // Per lane of eight permutations (at most eight lanes): the drawn codes of every node, or a permutation's changes.
    private readonly int[]?[] _drawnCodes = new int[]?[ModelSlots.Width / 8];
    private readonly int[]?[] _changedUnits = new int[]?[ModelSlots.Width / 8];
    private readonly int[]?[] _changedCodes = new int[]?[ModelSlots.Width / 8];

    /// <summary>
    /// As <see cref="Fill"/>, for a permutation design listed as changes to a baseline code: every word starts at
    /// the baseline's bits, then each unit off the baseline has the bits where its code differs flipped. Each
    /// (node, permutation) is changed at most once, so the flips' order does not matter: the same words as drawing
    /// every unit.
    /// </summary>
    public void FillByChanges(RandomizedDesign design, ulong seed, int baseline, long first, int count, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, ModelSlots.Width);
        int nodes = _problem.NodeCount, indicators = _problem.IndicatorCount;
        ulong batch = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
        int capacity = design.ChangeCapacity(baseline);
        int[] map = NodeOfUnit();
        if ((long)ModelSlots.Width * Math.Max(1, capacity) * sizeof(long) <= _regionBudgetBytes)
        {
            FillByRegions(design, seed, baseline, first, count, capacity, map, parallel);
            return;
        }
        for (int i = 0; i < indicators; i++)
        {
            ulong fill = (_codeMask[baseline] >> i & 1) != 0 ? batch : 0;
            for (long word = i; word < Words.LongLength; word += indicators) Words[word] = fill;
        }
        if (!BitConverter.IsLittleEndian) parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        int lanes = (count + 7) / 8;
        // Optimized from the first batch on: each lane's loop runs long, and its first calls would otherwise run
        // unoptimized code (a batch of 64 calls it only eight times).
        Parallel.For(0, lanes, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (lane) =>
        {
            // One scratch pair per lane, kept across batches: at scale a fresh one per batch would be megabytes of garbage.
            if (_changedUnits[lane]?.Length != Math.Max(1, capacity))
            {
                _changedUnits[lane] = new int[Math.Max(1, capacity)];
                _changedCodes[lane] = new int[Math.Max(1, capacity)];
            }
            (int[] Units, int[] Codes) scratch = (_changedUnits[lane]!, _changedCodes[lane]!);
            ref byte origin = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(Words));
            for (int p = 8 * lane; p < Math.Min(count, 8 * lane + 8); p++)
            {
                int changed = design.DrawChanges(seed, first + p, baseline, scratch.Units, scratch.Codes);
                // The changed units lie anywhere in the file: each one's node first, in a loop of independent loads
                // that the processor overlaps, so that the flips below know their words' addresses well ahead.
                int[] nodes = scratch.Units;
                for (int t = 0; t < changed; t++) nodes[t] = map[nodes[t]];
                for (int t = 0; t < changed; t++)
                {
                    // The changed nodes lie anywhere in the words: ask for a word well before it is flipped.
                    if (t + PrefetchDistance < changed) Cpu.ChunkAccumulator.Prefetch(Words, (long)nodes[t + PrefetchDistance] * indicators);
                    int flips = _codeMask[scratch.Codes[t]] ^ _codeMask[baseline];
                    long node = nodes[t];
                    for (int i = 0; flips != 0; i++, flips >>= 1)
                    {
                        if ((flips & 1) == 0) continue;
                        long word = node * indicators + i;
                        if (BitConverter.IsLittleEndian) Unsafe.Add(ref origin, (nint)(8 * word + lane)) ^= (byte)(1 << (p & 7));
                        else Words[word] ^= 1UL << p;
                    }
                }
            }
        });
    }

    /// <summary>The problem node of each file node (units are drawn in file order).</summary>
    private int[] NodeOfUnit()
    {
        if (_problemNode is null)
        {
            var problemNode = new int[_problem.NodeCount];
            for (int v = 0; v < problemNode.Length; v++) problemNode[_problem.FileNode[v]] = v;
            _problemNode = problemNode;
        }
        return _problemNode;
    }

    /// <summary>
    /// <see cref="FillByChanges"/> in two steps: every permutation's changes are drawn (in parallel over the
    /// permutations) and sorted by region of the words; then each region (in parallel over regions) is set to the
    /// baseline and takes the whole batch's flips while it sits in cache. Flipped one permutation at a time, each
    /// change is a trip to memory, since a permutation's changes touch a line of the words about once each; by
    /// region, a line takes all its flips of the batch at once. The same words: each (node, permutation) is flipped
    /// at most once, and a region belongs to one worker.
    /// </summary>
    private void FillByRegions(RandomizedDesign design, ulong seed, int baseline, long first, int count, int capacity, int[] map, ParallelOptions parallel)
    {
        int nodes = _problem.NodeCount, indicators = _problem.IndicatorCount, shift = _regionShift, regionNodes = 1 << shift;
        int regions = (nodes + regionNodes - 1) >> shift;
        if (_sortedChanges is null || _sortedChanges[0].Length < Math.Max(1, capacity) || _regionStarts![0].Length != regions + 1)
        {
            _sortedChanges = [.. Enumerable.Range(0, ModelSlots.Width).Select(_ => new long[Math.Max(1, capacity)])];
            _regionStarts = [.. Enumerable.Range(0, ModelSlots.Width).Select(_ => new int[regions + 1])];
        }
        long[][] sorted = _sortedChanges;
        int[][] starts = _regionStarts!;
        int baseMask = _codeMask[baseline];
        Parallel.For(0, count, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            if (!_drawScratch.TryTake(out (int[] Units, int[] Codes) scratch) || scratch.Units.Length < Math.Max(1, capacity))
                scratch = (new int[Math.Max(1, capacity)], new int[Math.Max(1, capacity)]);
            int changed = design.DrawChanges(seed, first + p, baseline, scratch.Units, scratch.Codes);
            int[] units = scratch.Units, codes = scratch.Codes;
            // Each change's node (independent loads, which the processor overlaps), counted by region for a
            // counting sort.
            int[] start = starts[p];
            Array.Clear(start);
            for (int t = 0; t < changed; t++)
            {
                int node = map[units[t]];
                units[t] = node;
                start[(node >> shift) + 1]++;
            }
            for (int r = 1; r <= regions; r++) start[r] += start[r - 1];
            long[] target = sorted[p];
            for (int t = 0; t < changed; t++)
            {
                int at = start[units[t] >> shift]++;
                target[at] = (long)units[t] << 8 | (uint)(_codeMask[codes[t]] ^ baseMask);
            }
            // The scatter moved each region's start to its end: shift them back by one region.
            for (int r = regions; r > 0; r--) start[r] = start[r - 1];
            start[0] = 0;
            _drawScratch.Add(scratch);
        });
        ulong batch = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
        ulong[] words = Words;
        Parallel.For(0, regions, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (region) =>
        {
            long from = (long)region * regionNodes * indicators, to = Math.Min((long)nodes, (long)(region + 1) * regionNodes) * indicators;
            for (long word = from; word < to; word += indicators)
            {
                for (int i = 0; i < indicators; i++) words[word + i] = (baseMask >> i & 1) != 0 ? batch : 0;
            }
            for (int p = 0; p < count; p++)
            {
                long[] changes = sorted[p];
                ulong bit = 1UL << p;
                for (int t = starts[p][region], end = starts[p][region + 1]; t < end; t++)
                {
                    long word = (changes[t] >> 8) * indicators;
                    // Every indicator's word takes the bit or 0, with no branch on which flip: which indicators a
                    // change flips depends on its code, which a branch would mispredict about once a change.
                    long flips = changes[t];
                    for (int i = 0; i < indicators; i++) words[word + i] ^= bit & (0UL - (ulong)((flips >> i) & 1));
                }
            }
        });
    }

    /// <summary>
    /// Fills the words for permutations <paramref name="first"/> .. first + count − 1, each drawn by
    /// <paramref name="draw"/>(b, code of every node in file order).
    /// </summary>
    public void Fill(Action<long, Span<int>> draw, long first, int count, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, ModelSlots.Width);
        Array.Clear(Words);
        int nodes = _problem.NodeCount, indicators = _problem.IndicatorCount;
        if (!BitConverter.IsLittleEndian) parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        int lanes = (count + 7) / 8;
        Parallel.For(0, lanes, parallel, lane =>
        {
            int[] codes = _drawnCodes[lane] ??= new int[nodes];
            ref byte origin = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(Words));
            for (int p = 8 * lane; p < Math.Min(count, 8 * lane + 8); p++)
            {
                draw(first + p, codes);
                int[] fileNode = _problem.FileNode;
                for (int node = 0; node < nodes; node++)
                {
                    int mask = _codeMask[codes[fileNode[node]]];
                    for (int i = 0; mask != 0; i++, mask >>= 1)
                    {
                        if ((mask & 1) == 0) continue;
                        long word = (long)node * indicators + i;
                        if (BitConverter.IsLittleEndian) Unsafe.Add(ref origin, (nint)(8 * word + lane)) |= (byte)(1 << (p & 7));
                        else Words[word] |= 1UL << p;
                    }
                }
            }
        });
    }

    /// <summary>
    /// Sets lane <paramref name="lane"/>, beyond the permutations just filled (whose fills leave it clear), to the
    /// assignment <paramref name="codes"/> (every node's code in file order): how the observed assignment rides in a
    /// batch's spare lane. A lane's sums never mix with another's, so it gets the bits a batch of its own would.
    /// </summary>
    public void SetLane(int lane, int[] codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lane, ModelSlots.Width);
        int nodes = _problem.NodeCount, indicators = _problem.IndicatorCount;
        int[] fileNode = _problem.FileNode;
        for (int node = 0; node < nodes; node++)
        {
            int mask = _codeMask[codes[fileNode[node]]];
            for (int i = 0; mask != 0; i++, mask >>= 1)
            {
                if ((mask & 1) != 0) Words[(long)node * indicators + i] |= 1UL << lane;
            }
        }
    }
}
