namespace GpuInference.Reporting;

/// <summary>Equal-width bins over the range of a sorted sample: the bars of a null-distribution histogram.</summary>
internal sealed class HistogramBins
{
    private HistogramBins(double low, double width, int[] counts)
    {
        Low = low;
        Width = width;
        Counts = counts;
    }

    /// <summary>Left edge of the first bin.</summary>
    public double Low { get; }

    /// <summary>Width of every bin; 0 when all values are equal (one bin, drawn as a thin bar).</summary>
    public double Width { get; }

    /// <summary>Values per bin.</summary>
    public int[] Counts { get; }

    /// <summary>Tallest bar.</summary>
    public int MaxCount => Counts.Length == 0 ? 0 : Counts.Max();

    /// <summary>
    /// Bins <paramref name="sorted"/> (ascending, no NaN). The count follows Rice's rule, 2·n^(1/3) (20 bins for 1,000
    /// permutations, about the paper's Fig 3), bounded to [1, 60] so that tiny samples still show a shape and huge ones
    /// do not turn into a comb.
    /// </summary>
    public static HistogramBins For(ReadOnlySpan<double> sorted)
    {
        if (sorted.Length == 0) return new HistogramBins(0, 0, []);
        double low = sorted[0];
        double high = sorted[^1];
        if (!(high > low)) return new HistogramBins(low, 0, [sorted.Length]);

        int bins = Math.Clamp((int)Math.Ceiling(2 * Math.Cbrt(sorted.Length)), 1, 60);
        double width = (high - low) / bins;
        var counts = new int[bins];
        foreach (double v in sorted)
        {
            // The maximum falls on the last bin's right edge; it belongs to the last bin, not to one past it.
            int bin = Math.Min((int)((v - low) / width), bins - 1);
            counts[bin]++;
        }
        return new HistogramBins(low, width, counts);
    }
}
