namespace GpuInference.Estimation;

/// <summary>The long-vector loops of the estimation layer: the only places that touch every row.</summary>
internal static class Kernels
{
    // Sums run in blocks whose subtotals are added at the end: the rounding error then grows with the number of
    // blocks plus the block length instead of with the row count, which matters at 15 million rows.
    private const int Block = 4096;

    /// <summary>Σ a_i b_i, blocked and with four accumulators so the loop pipelines.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double total = 0;
        for (int start = 0; start < a.Length; start += Block)
        {
            int end = Math.Min(a.Length, start + Block);
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = start;
            for (; i + 3 < end; i += 4)
            {
                s0 += a[i] * b[i];
                s1 += a[i + 1] * b[i + 1];
                s2 += a[i + 2] * b[i + 2];
                s3 += a[i + 3] * b[i + 3];
            }
            for (; i < end; i++) s0 += a[i] * b[i];
            total += (s0 + s1) + (s2 + s3);
        }
        return total;
    }

    /// <summary>
    /// The Euclidean norm. Values are scaled by the largest magnitude first only when the plain sum of squares would
    /// overflow or underflow, so the common case is one pass.
    /// </summary>
    public static double Norm(ReadOnlySpan<double> a)
    {
        double sum = Dot(a, a);
        if (double.IsFinite(sum) && (sum > 1e-280 || sum == 0)) return Math.Sqrt(sum);
        double largest = 0;
        foreach (double v in a) largest = Math.Max(largest, Math.Abs(v));
        if (largest == 0 || !double.IsFinite(largest)) return largest;
        double scaled = 0;
        foreach (double v in a) scaled += (v / largest) * (v / largest);
        return largest * Math.Sqrt(scaled);
    }

    /// <summary>y ← y + alpha·x.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>Σ (a_i − mean)², with the mean refined by a second pass.</summary>
    public static double CentredSumOfSquares(ReadOnlySpan<double> a)
    {
        if (a.Length == 0) return 0;
        double mean = 0;
        foreach (double v in a) mean += v;
        mean /= a.Length;
        double correction = 0;
        foreach (double v in a) correction += v - mean;
        mean += correction / a.Length;
        double total = 0;
        for (int start = 0; start < a.Length; start += Block)
        {
            int end = Math.Min(a.Length, start + Block);
            double s = 0;
            for (int i = start; i < end; i++) s += (a[i] - mean) * (a[i] - mean);
            total += s;
        }
        return total;
    }
}
