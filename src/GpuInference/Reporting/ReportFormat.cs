using System.Globalization;

namespace GpuInference.Reporting;

/// <summary>
/// Number formatting for readable outputs (Markdown, SVG labels). Machine outputs (JSON, CSV) never go through
/// here: they carry full precision. Everything is invariant-culture so that a report reads the same everywhere.
/// </summary>
internal static class ReportFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// An effect in outcome units as signed percentage points: 0.0024 → "+0.24%". Unless <paramref name="fixedDecimals"/>
    /// is set (axis ticks, which must share one format), a tiny non-zero value gets more digits so it does not read as zero.
    /// </summary>
    public static string Percent(double value, int decimals = 2, bool signed = true, string minus = "-", bool fixedDecimals = false)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsInfinity(value)) return value > 0 ? "+∞" : minus + "∞";
        double percent = value * 100;
        int digits = decimals;
        // A non-zero effect that would print as +0.00% gets two significant digits instead (0.00004 → +0.0040%).
        if (!fixedDecimals && percent != 0 && Math.Abs(percent) < 0.5 * Math.Pow(10, -digits))
        {
            while (Math.Abs(percent) < Math.Pow(10, 1 - digits) && digits < 10) digits++;
        }
        string text = Math.Abs(percent).ToString("F" + digits, Invariant) + "%";
        bool isZero = Math.Round(Math.Abs(percent), digits) == 0;
        if (percent < 0 && !isZero) return minus + text;
        return signed && !isZero ? "+" + text : text;
    }

    /// <summary>A p-value (or a bound of its interval) to three significant digits ("0.0266", "0.000999"); below 0.0001, "&lt;0.0001"; exactly 0, "0".</summary>
    public static string P(double p)
    {
        if (double.IsNaN(p)) return "n/a";
        if (p == 0) return "0";
        if (p < 1e-4) return "<0.0001";
        if (p >= 0.9995) return "1";
        return p.ToString("G3", Invariant);
    }

    /// <summary>"1 permutation", "2 permutations": a count with its noun, singular or plural.</summary>
    public static string Count(double value, string singular, string plural) =>
        Count(value) + " " + (value == 1 ? singular : plural);

    /// <summary>A whole number with thousands separators: 14458236 → "14,458,236".</summary>
    public static string Count(double value) =>
        double.IsNaN(value) ? "n/a" : Math.Round(value).ToString("N0", Invariant);

    /// <summary>A plain number to the given significant digits (e.g. the multiplier, 2.08).</summary>
    public static string Number(double value, int significant = 3) =>
        double.IsNaN(value) ? "n/a" : value.ToString("G" + significant, Invariant);

    /// <summary>A duration for humans: "850 ms", "12.3 s", "4 min 05 s".</summary>
    public static string Duration(TimeSpan elapsed)
    {
        if (elapsed.TotalSeconds < 1) return elapsed.TotalMilliseconds.ToString("F0", Invariant) + " ms";
        if (elapsed.TotalMinutes < 1) return elapsed.TotalSeconds.ToString("F1", Invariant) + " s";
        return $"{(int)elapsed.TotalMinutes} min {elapsed.Seconds:00} s";
    }
}
