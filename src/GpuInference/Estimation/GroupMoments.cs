namespace GpuInference.Estimation;

/// <summary>
/// Count, mean and centred sum of squares of an outcome in each group of a partition of the rows, in two passes:
/// compensated sums give the means, and a second pass over the deviations refines each mean and gives its sum of
/// squares, so a group of millions of rows keeps its digits. These are the sufficient statistics of any regression
/// whose regressors are constant within groups (see <see cref="GroupedLeastSquares"/>).
/// </summary>
internal static class GroupMoments
{
    /// <summary>
    /// The moments of <paramref name="y"/> in each of <paramref name="groups"/> groups, with each row's group in
    /// <paramref name="group"/>; a negative code leaves the row out. <paramref name="firstRow"/> receives the first
    /// row of each group (−1 for a group with none), so that a message can name a row of the caller's data.
    /// Only <see cref="ArmMoments.Count"/>, <see cref="ArmMoments.MeanY"/> and <see cref="ArmMoments.SquaresY"/> are set.
    /// </summary>
    public static ArmMoments[] Of(ReadOnlySpan<double> y, ReadOnlySpan<int> group, int groups, out int[] firstRow)
    {
        if (group.Length != y.Length) throw new ArgumentException($"group has {group.Length} rows, the outcome {y.Length}", nameof(group));
        var counts = new long[groups];
        var sums = new double[groups];
        var carries = new double[groups];
        firstRow = new int[groups];
        Array.Fill(firstRow, -1);
        for (int i = 0; i < y.Length; i++)
        {
            int g = group[i];
            if (g < 0) continue;
            if (counts[g]++ == 0) firstRow[g] = i;
            Neumaier(ref sums[g], ref carries[g], y[i]);
        }
        var means = new double[groups];
        for (int g = 0; g < groups; g++) means[g] = counts[g] > 0 ? (sums[g] + carries[g]) / counts[g] : 0;

        var deviations = new double[groups];
        var deviationCarries = new double[groups];
        var squares = new double[groups];
        var squareCarries = new double[groups];
        for (int i = 0; i < y.Length; i++)
        {
            int g = group[i];
            if (g < 0) continue;
            double d = y[i] - means[g];
            Neumaier(ref deviations[g], ref deviationCarries[g], d);
            Neumaier(ref squares[g], ref squareCarries[g], d * d);
        }
        var moments = new ArmMoments[groups];
        for (int g = 0; g < groups; g++)
        {
            long n = counts[g];
            if (n == 0) continue;
            double shift = deviations[g] + deviationCarries[g];
            moments[g] = new ArmMoments
            {
                Count = n,
                MeanY = means[g] + shift / n,
                SquaresY = Math.Max(0, squares[g] + squareCarries[g] - shift * shift / n),
            };
        }
        return moments;
    }

    /// <summary>sum + carry += value, Neumaier's compensated summation: the error no longer grows with the row count.</summary>
    private static void Neumaier(ref double sum, ref double carry, double value)
    {
        double total = sum + value;
        carry += Math.Abs(sum) >= Math.Abs(value) ? (sum - total) + value : (value - total) + sum;
        sum = total;
    }
}
