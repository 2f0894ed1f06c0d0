using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Random;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// The oracle every backend is compared with: a brute-force computation straight from the definitions, one
/// permutation at a time (permuted cells through <see cref="PermutationBijection"/>, exposures by walking the CSR,
/// chunk sums in chunk order, then <see cref="SpilloverMoments.Solve"/>). Slow and obvious on purpose.
/// </summary>
internal static class SpilloverReference
{
    public static double[] Fit(SpilloverProblem problem, PermutationBatch batch)
    {
        const int k = SpilloverProblem.Regressors;
        var result = new double[batch.Count * k];
        var cells = new TreatmentCell[problem.NodeCount];
        for (int p = 0; p < batch.Count; p++)
        {
            if (batch.Observed)
            {
                problem.Cells.CopyTo(cells, 0);
            }
            else
            {
                var bijection = new PermutationBijection(batch.Seed, (ulong)(batch.First + p), (ulong)problem.NodeCount);
                for (int j = 0; j < problem.NodeCount; j++) cells[j] = problem.Cells[(int)bijection.Map((ulong)j)];
            }
            FitOne(problem, cells, result.AsSpan(p * k, k));
        }
        return result;
    }

    private static void FitOne(SpilloverProblem problem, TreatmentCell[] cells, Span<double> beta)
    {
        const int k = SpilloverProblem.Regressors;
        var q = new long[10];
        var pTotal = new double[k];
        var stratumSums = new long[problem.StratumCount * k];
        for (int g = 0; g < problem.ChunkCount; g++)
        {
            var s = new long[k];
            var qChunk = new long[10];
            var pChunk = new double[k];
            for (int i = problem.ChunkStart[g]; i < problem.ChunkStart[g + 1]; i++)
            {
                long nb = 0, nf = 0;
                for (long e = problem.RowOffsets[i]; e < problem.RowOffsets[i + 1]; e++)
                {
                    TreatmentCell friend = cells[problem.Neighbors[e]];
                    if ((friend & TreatmentCell.Banner) != 0) nb++;
                    if ((friend & TreatmentCell.Feed) != 0) nf++;
                }
                long[] x = [nb, nf, (cells[i] & TreatmentCell.Banner) != 0 ? 1 : 0, (cells[i] & TreatmentCell.Feed) != 0 ? 1 : 0];
                double y = problem.Outcome[i];
                for (int a = 0; a < k; a++)
                {
                    s[a] += x[a];
                    for (int b = a; b < k; b++) qChunk[SpilloverMoments.Triangle(a, b)] += x[a] * x[b];
                    pChunk[a] += x[a] * y;
                }
            }
            int stratum = problem.ChunkStratum[g];
            for (int a = 0; a < k; a++)
            {
                stratumSums[stratum * k + a] += s[a];
                pTotal[a] += pChunk[a];
            }
            for (int t = 0; t < 10; t++) q[t] += qChunk[t];
        }
        SpilloverMoments.Solve(q, pTotal, stratumSums, problem, beta);
    }
}
