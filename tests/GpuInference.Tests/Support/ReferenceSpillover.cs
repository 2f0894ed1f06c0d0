using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Random;
using GpuInference.Data;

namespace GpuInference.Tests.Support;

/// <summary>
/// The spillover fit written the plainest way, one permutation at a time, as the oracle for every backend:
/// permuted cells from the bijection, exposures by walking the CSR, chunk sums in unit order,
/// a stratum's chunks in order, then the strata in order.
/// </summary>
public static class ReferenceSpillover
{
    public static double[] Fit(SpilloverProblem problem, PermutationBatch batch)
    {
        const int k = SpilloverProblem.Regressors;
        var result = new double[batch.Count * k];
        for (int p = 0; p < batch.Count; p++)
        {
            var bijection = new PermutationBijection(batch.Seed, (ulong)(batch.First + p), (ulong)problem.NodeCount);
            var cells = new TreatmentCell[problem.NodeCount];
            for (int j = 0; j < problem.NodeCount; j++) cells[j] = problem.Cells[batch.Observed ? j : (int)bijection.Map((ulong)j)];

            var q = new long[10];
            var stratumP = new double[problem.StratumCount * k];
            var stratumSums = new long[problem.StratumCount * k];
            for (int g = 0; g < problem.ChunkCount; g++)
            {
                var chunkP = new double[k];
                for (int i = problem.ChunkStart[g]; i < problem.ChunkStart[g + 1]; i++)
                {
                    long nb = 0, nf = 0;
                    for (long e = problem.RowOffsets[i]; e < problem.RowOffsets[i + 1]; e++)
                    {
                        TreatmentCell friend = cells[problem.Neighbors[e]];
                        nb += friend.HasFlag(TreatmentCell.Banner) ? 1 : 0;
                        nf += friend.HasFlag(TreatmentCell.Feed) ? 1 : 0;
                    }
                    long[] x = [nb, nf, cells[i].HasFlag(TreatmentCell.Banner) ? 1 : 0, cells[i].HasFlag(TreatmentCell.Feed) ? 1 : 0];
                    for (int a = 0; a < k; a++)
                    {
                        stratumSums[problem.ChunkStratum[g] * k + a] += x[a];
                        for (int b = a; b < k; b++) q[SpilloverMoments.Triangle(a, b)] += x[a] * x[b];
                        chunkP[a] += (double)x[a] * problem.Outcome[i];
                    }
                }
                for (int a = 0; a < k; a++) stratumP[problem.ChunkStratum[g] * k + a] += chunkP[a];
            }
            var pSums = new double[k];
            for (int s = 0; s < problem.StratumCount; s++)
            {
                for (int a = 0; a < k; a++) pSums[a] += stratumP[s * k + a];
            }
            SpilloverMoments.Solve(q, pSums, stratumSums, problem, result.AsSpan(p * k, k));
        }
        return result;
    }
}
