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

    private readonly ModelProblem _problem;
    private readonly byte[] _codeMask;

    public IndicatorWords(ModelProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
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
        for (int i = 0; i < indicators; i++)
        {
            ulong fill = (_codeMask[baseline] >> i & 1) != 0 ? batch : 0;
            for (long word = i; word < Words.LongLength; word += indicators) Words[word] = fill;
        }
        if (_problemNode is null)
        {
            var problemNode = new int[nodes];
            for (int v = 0; v < nodes; v++) problemNode[_problem.FileNode[v]] = v;
            _problemNode = problemNode;
        }
        int[] map = _problemNode;
        int capacity = design.ChangeCapacity(baseline);
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
