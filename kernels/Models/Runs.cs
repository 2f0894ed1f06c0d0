using ILGPU;

namespace GpuInference.Kernels.Models;

/// <summary>
/// Runs of units that share a group (first pass) or a cluster (second pass) inside a chunk of whole items: each run's
/// totals are kept in a work-item's registers and written out whole when the run ends.
/// </summary>
internal static class Runs
{
    private const int W = KernelLimits.MaxBatch;

    /// <summary>Whether <paramref name="unit"/> is the last of its run of <paramref name="key"/> in a chunk ending at <paramref name="end"/>.</summary>
    public static bool EndsAt(ArrayView<int> key, int unit, int end) => unit + 1 == end || key[unit + 1] != key[unit];

    /// <summary>Writes a run's k totals for permutation p into item's row of <paramref name="target"/> ([item][term][p]) and starts the next run at 0.</summary>
    public static void Flush(ArrayView<double> running, ArrayView<double> target, int item, int k, int p)
    {
        long row = (long)item * k;
        for (int a = 0; a < k; a++)
        {
            target[(row + a) * W + p] = running[a];
            running[a] = 0.0;
        }
    }
}
