using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuInference.Backends.Models;

/// <summary>
/// The bit-sliced assignment of a batch for the general model: for every node and indicator one 64-bit word whose
/// bit p says whether the node's code under permutation p is in the indicator's set ([node · indicators + i]).
/// Permutations are dealt out eight at a time, each worker owning one byte of every word, so workers never write the
/// same byte and the words do not depend on how many there are. Bits at and above the batch's count stay 0.
/// </summary>
public sealed class IndicatorWords
{
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

    /// <summary>
    /// Fills the words for permutations <paramref name="first"/> .. first + count − 1, each drawn by
    /// <paramref name="draw"/>(b, code of every node).
    /// </summary>
    public void Fill(Action<long, Span<int>> draw, long first, int count, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, ModelSlots.Width);
        Array.Clear(Words);
        int nodes = _problem.NodeCount, indicators = _problem.IndicatorCount;
        if (!BitConverter.IsLittleEndian) parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        int lanes = (count + 7) / 8;
        Parallel.For(0, lanes, parallel, () => new int[nodes], (lane, _, codes) =>
        {
            ref byte origin = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(Words));
            for (int p = 8 * lane; p < Math.Min(count, 8 * lane + 8); p++)
            {
                draw(first + p, codes);
                for (int node = 0; node < nodes; node++)
                {
                    int mask = _codeMask[codes[node]];
                    for (int i = 0; mask != 0; i++, mask >>= 1)
                    {
                        if ((mask & 1) == 0) continue;
                        long word = (long)node * indicators + i;
                        if (BitConverter.IsLittleEndian) Unsafe.Add(ref origin, (nint)(8 * word + lane)) |= (byte)(1 << (p & 7));
                        else Words[word] |= 1UL << p;
                    }
                }
            }
            return codes;
        }, _ => { });
    }
}
