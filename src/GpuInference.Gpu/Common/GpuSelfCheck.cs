using System.Diagnostics;
using System.Globalization;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Random;

namespace GpuInference.Gpu.Common;

/// <summary>
/// A field check for a machine with a GPU: fits a few batches on each available device backend and compares every
/// coefficient with a direct host computation (the definition, one permutation at a time), printing OK or FAIL
/// with the largest relative difference. Meant for a hidden CLI command; returns 0 when every backend that could
/// start agreed bit for bit, 1 on any disagreement, 2 when no device backend could start.
/// </summary>
public static class GpuSelfCheck
{
    public static int Run(SpilloverProblem problem, TextWriter? output = null, IEnumerable<IBackendProvider>? providers = null, ulong seed = 20121102)
    {
        ArgumentNullException.ThrowIfNull(problem);
        output ??= Console.Out;
        providers ??= DeviceCatalog.DeviceProviders();
        var options = new BackendOptions { GpuOnly = false };
        PermutationBatch[] batches = [PermutationBatch.ObservedAssignment(seed), new(seed, 0, 64), new(seed, 64 * 1000 + 3, 7)];

        int started = 0;
        bool allAgree = true;
        foreach (IBackendProvider provider in providers)
        {
            BackendAvailability availability = provider.Probe(options);
            if (!availability.IsAvailable)
            {
                output.WriteLine($"{provider.Name}: SKIP ({availability.Reason})");
                continue;
            }
            IPermutationBackend backend;
            try
            {
                backend = provider.Create(problem, options);
            }
            catch (BackendUnavailableException e)
            {
                output.WriteLine($"{provider.Name}: FAIL to start: {e.Message}");
                allAgree = false;
                continue;
            }
            started++;
            using (backend)
            {
                foreach (PermutationBatch batch in batches)
                {
                    var watch = Stopwatch.StartNew();
                    var actual = new double[batch.Count * SpilloverProblem.Regressors];
                    backend.Fit(batch, actual);
                    double deviceMs = watch.Elapsed.TotalMilliseconds;
                    double[] expected = Reference(problem, batch);
                    var (identical, maxRelative) = Compare(expected, actual);
                    allAgree &= identical;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{backend.Name} on {backend.Device}: batch first={batch.First} count={batch.Count}{(batch.Observed ? " (observed)" : "")}: " +
                        $"{(identical ? "OK" : "FAIL")} max relative difference {maxRelative:E3}, device {deviceMs:F1} ms"));
                }
            }
        }
        if (started == 0)
        {
            output.WriteLine("no device backend could start");
            return 2;
        }
        return allAgree ? 0 : 1;
    }

    /// <summary>Bit-identical (NaN matching NaN), and the largest relative difference seen.</summary>
    internal static (bool Identical, double MaxRelative) Compare(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        bool identical = true;
        double max = 0;
        for (int t = 0; t < expected.Length; t++)
        {
            if (double.IsNaN(expected[t]) || double.IsNaN(actual[t]))
            {
                if (double.IsNaN(expected[t]) != double.IsNaN(actual[t])) { identical = false; max = double.PositiveInfinity; }
                continue;
            }
            if (BitConverter.DoubleToInt64Bits(expected[t]) != BitConverter.DoubleToInt64Bits(actual[t])) identical = false;
            double scale = Math.Max(Math.Abs(expected[t]), double.Epsilon);
            max = Math.Max(max, Math.Abs(expected[t] - actual[t]) / scale);
        }
        return (identical, max);
    }

    /// <summary>The definition, permutation by permutation: permuted cells, exposures, chunk sums in order, the solve.</summary>
    internal static double[] Reference(SpilloverProblem problem, PermutationBatch batch)
    {
        const int k = SpilloverProblem.Regressors;
        var result = new double[batch.Count * k];
        var cells = new byte[problem.NodeCount];
        var x = new long[k];
        var qChunk = new long[10];
        var pChunk = new double[k];
        var sChunk = new long[k];
        for (int p = 0; p < batch.Count; p++)
        {
            if (batch.Observed)
            {
                for (int j = 0; j < problem.NodeCount; j++) cells[j] = (byte)problem.Cells[j];
            }
            else
            {
                var bijection = new PermutationBijection(batch.Seed, (ulong)(batch.First + p), (ulong)problem.NodeCount);
                Parallel.For(0, problem.NodeCount, j => cells[j] = (byte)problem.Cells[(int)bijection.Map((ulong)j)]);
            }
            var q = new long[10];
            var total = new double[k];
            var stratumSums = new long[problem.StratumCount * k];
            for (int g = 0; g < problem.ChunkCount; g++)
            {
                Array.Clear(qChunk);
                Array.Clear(pChunk);
                Array.Clear(sChunk);
                for (int i = problem.ChunkStart[g]; i < problem.ChunkStart[g + 1]; i++)
                {
                    long nb = 0, nf = 0;
                    for (long e = problem.RowOffsets[i]; e < problem.RowOffsets[i + 1]; e++)
                    {
                        int c = cells[problem.Neighbors[e]];
                        nb += c & 1;
                        nf += (c >> 1) & 1;
                    }
                    x[0] = nb;
                    x[1] = nf;
                    x[2] = cells[i] & 1;
                    x[3] = (cells[i] >> 1) & 1;
                    double y = problem.Outcome[i];
                    for (int a = 0; a < k; a++)
                    {
                        sChunk[a] += x[a];
                        for (int b = a; b < k; b++) qChunk[SpilloverMoments.Triangle(a, b)] += x[a] * x[b];
                        pChunk[a] += x[a] * y;
                    }
                }
                int s = problem.ChunkStratum[g];
                for (int a = 0; a < k; a++)
                {
                    stratumSums[s * k + a] += sChunk[a];
                    total[a] += pChunk[a];
                }
                for (int t = 0; t < 10; t++) q[t] += qChunk[t];
            }
            SpilloverMoments.Solve(q, total, stratumSums, problem, result.AsSpan(p * k, k));
        }
        return result;
    }
}
