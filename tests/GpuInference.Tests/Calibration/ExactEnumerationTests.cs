using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Tests.Support;
using GpuInference.Data;

namespace GpuInference.Tests.Calibration;

/// <summary>
/// On a graph small enough to enumerate every distinct assignment of the observed cells, the exact randomization
/// p-value is known; the Monte Carlo p-value from the permutation stream must converge to it.
/// </summary>
public class ExactEnumerationTests
{
    // Nine people, three close friends each (one stratum), cells 3 both, 2 banner, 2 feed, 2 neither:
    // 9! / (3! 2! 2! 2!) = 7,560 distinct assignments, each equally likely under uniform permutation.
    private static readonly TreatmentCell[] Observed =
    [
        TreatmentCell.Both, TreatmentCell.Banner, TreatmentCell.Neither, TreatmentCell.Both, TreatmentCell.Feed,
        TreatmentCell.Banner, TreatmentCell.Both, TreatmentCell.Neither, TreatmentCell.Feed,
    ];

    private static readonly double[] Outcome = [1, 1, 0, 1, 0, 1, 1, 0, 1];

    private static SpilloverProblem WithCells(TreatmentCell[] cells)
    {
        const int n = 9;
        var offsets = new long[n + 1];
        var neighbors = new int[3 * n];
        for (int i = 0; i < n; i++)
        {
            offsets[i + 1] = 3 * (i + 1);
            neighbors[3 * i] = (i + 1) % n;
            neighbors[3 * i + 1] = (i + 2) % n;
            neighbors[3 * i + 2] = (i + 4) % n;
            Array.Sort(neighbors, 3 * i, 3);
        }
        return new SpilloverProblem(n, offsets, neighbors, cells, Outcome, [0, n], ["friends=3"]);
    }

    private static IEnumerable<TreatmentCell[]> DistinctArrangements(TreatmentCell[] cells)
    {
        var pool = cells.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        var current = new TreatmentCell[cells.Length];
        IEnumerable<TreatmentCell[]> Place(int position)
        {
            if (position == cells.Length)
            {
                yield return (TreatmentCell[])current.Clone();
                yield break;
            }
            foreach (TreatmentCell cell in pool.Keys.Order().ToArray())
            {
                if (pool[cell] == 0) continue;
                pool[cell]--;
                current[position] = cell;
                foreach (TreatmentCell[] arrangement in Place(position + 1)) yield return arrangement;
                pool[cell]++;
            }
        }
        return Place(0);
    }

    [Theory]
    [InlineData(0)] // banner exposure
    [InlineData(1)] // feed exposure
    public void MonteCarloPValueConvergesToTheExactOne(int regressor)
    {
        double observed = ReferenceSpillover.Fit(WithCells(Observed), PermutationBatch.ObservedAssignment(0))[regressor];
        var exact = DistinctArrangements(Observed)
            .Select(cells => ReferenceSpillover.Fit(WithCells(cells), PermutationBatch.ObservedAssignment(0))[regressor])
            .Where(v => !double.IsNaN(v))
            .ToArray();
        Assert.Equal(7560, DistinctArrangements(Observed).Count());
        double exactP = exact.Count(v => Math.Abs(v) >= Math.Abs(observed)) / (double)exact.Length;

        const int permutations = 20_000;
        using var session = BackendSession.Open("cpu", [new CpuBackendProvider()], WithCells(Observed), new BackendOptions());
        PermutationResult result = new PermutationRunner(session).Run(seed: 2012, permutations);
        double[] nulls = result.NullOf(regressor).Where(v => !double.IsNaN(v)).ToArray();
        double monteCarloP = (1 + nulls.Count(v => Math.Abs(v) >= Math.Abs(observed))) / (1.0 + nulls.Length);

        Assert.Equal(observed, result.Observed[regressor]);
        Assert.InRange(exactP, 0.02, 0.98); // the example must be informative, not a trivial 0 or 1
        double tolerance = 4 * Math.Sqrt(exactP * (1 - exactP) / permutations) + 1.0 / permutations;
        Assert.True(Math.Abs(monteCarloP - exactP) < tolerance, $"Monte Carlo p {monteCarloP:F4} vs exact {exactP:F4} (tolerance {tolerance:F4})");
    }
}
