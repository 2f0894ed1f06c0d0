namespace GpuInference.Reporting;

/// <summary>
/// "Nice" axis ticks: a step of 1, 2 or 5 times a power of ten, chosen so that about <c>target</c> ticks cover the
/// range, and a domain widened outwards to whole steps so that the axis starts and ends on a labelled tick.
/// </summary>
internal readonly record struct AxisTicks(double Start, double Step, int Count)
{
    /// <summary>The first tick at or below the domain's low end.</summary>
    public double Low => Start;

    /// <summary>The last tick, at or above the domain's high end.</summary>
    public double High => Start + Step * (Count - 1);

    /// <summary>Tick i; computed from the start each time so that rounding does not accumulate.</summary>
    public double this[int i] => Start + Step * i;

    /// <summary>Ticks covering [low, high]; a zero-width range is widened first so that the axis still has a scale.</summary>
    public static AxisTicks For(double low, double high, int target = 6)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high)) throw new ArgumentException("axis range must be finite.");
        if (high < low) (low, high) = (high, low);
        if (high - low <= Math.Max(Math.Abs(low), Math.Abs(high)) * 1e-12)
        {
            // All values equal: centre them in a range of ±10% of their size, or ±1 when they are zero.
            double half = low == 0 ? 1 : Math.Abs(low) * 0.1;
            low -= half;
            high += half;
        }

        double rough = (high - low) / Math.Max(1, target - 1);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;

        // The small tolerance keeps a bound that sits on a tick (up to rounding) from growing the axis by a whole step.
        double first = Math.Floor(low / step + 1e-9);
        double last = Math.Ceiling(high / step - 1e-9);
        int count = (int)(last - first) + 1;
        return new AxisTicks(first * step, step, Math.Max(count, 2));
    }

    /// <summary>Decimal places that show every tick exactly: 0.0005 needs 4.</summary>
    public int Decimals(double scale = 1)
    {
        double step = Step * scale;
        return Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 10);
    }
}
