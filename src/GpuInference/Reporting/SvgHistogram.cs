using System.Globalization;
using System.Text;
using GpuInference.Inference;
using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>
/// Draws a permutation null distribution in the manner of the paper's Fig 3, as plain SVG text: the null draws as
/// a gray histogram, the observed value as a red vertical line, dashed lines at the 0.5% and 99.5% quantiles (the
/// central 99% the paper quotes), an x axis in percentage points, a title, a subtitle with the test's result and a
/// legend. No plotting library: the output is small, deterministic, and opens in any browser. ScottPlot 5 was tried in
/// its place and kept out: its chart is fewer lines, but with the default fonts, legend and margins it looked worse (labels cut
/// off, serif fallback text, a boxed legend taking a third of the height), tuning it back would cost the lines it saves, and it
/// brings SkiaSharp's native libraries (about 150 MB of runtimes) into a self-contained binary.
/// <para>
/// Degenerate inputs still give a valid drawing: with all draws equal the histogram is one thin bar in a widened
/// axis; with no valid draws the plot says so; a NaN observed value draws no red line.
/// </para>
/// </summary>
public static class SvgHistogram
{
    /// <summary>Width of the drawing in pixels.</summary>
    public const int Width = 640;

    /// <summary>Height of the drawing in pixels.</summary>
    public const int Height = 360;

    private const double PlotLeft = 64, PlotRight = Width - 24, PlotTop = 96, PlotBottom = Height - 54;
    private const string Font = "Helvetica, Arial, 'Liberation Sans', sans-serif";
    private const string BarFill = "#a9a9a9", ObservedStroke = "#d62728", QuantileStroke = "#4d4d4d", Ink = "#262626", Muted = "#5f5f5f";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Writes the histogram of <paramref name="statistic"/> to <paramref name="path"/>, replacing it.</summary>
    public static void WriteFile(SpilloverStatistic statistic, string path) =>
        File.WriteAllText(path, Render(statistic), new UTF8Encoding(false));

    /// <summary>The histogram of <paramref name="statistic"/> with the default title for its name.</summary>
    public static string Render(SpilloverStatistic statistic) => Render(statistic.Null, DefaultTitle(statistic.Name));

    /// <summary>The title used for a statistic name: the paper's wording for banner and feed.</summary>
    public static string DefaultTitle(string name) => name switch
    {
        "banner" => "Spillover of the banner to close friends",
        "feed" => "Spillover of the feed stories to close friends",
        _ => $"Spillover: {name}",
    };

    /// <summary>The histogram of <paramref name="distribution"/> under <paramref name="title"/>, as an SVG document.</summary>
    public static string Render(NullDistribution distribution, string title)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ReadOnlySpan<double> sorted = distribution.SortedValid;
        double observed = distribution.Observed;
        double q005 = distribution.Q005, q995 = distribution.Q995;

        AxisTicks x = XAxis(sorted, observed);
        HistogramBins bins = HistogramBins.For(sorted);
        AxisTicks y = CountAxis(bins.MaxCount);
        double XFor(double value) => PlotLeft + (value - x.Low) / (x.High - x.Low) * (PlotRight - PlotLeft);
        double YFor(double count) => PlotBottom - count / y.High * (PlotBottom - PlotTop);

        var svg = new StringBuilder(8192);
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" ")
           .Append($"font-family=\"{Font}\" role=\"img\" aria-label=\"{Escape(title)}\">\n");
        svg.Append($"<title>{Escape(title)}</title>\n");
        svg.Append($"<desc>{Escape(Summary(distribution))}</desc>\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n");

        // Title, then one line with the result, so that the figure stands on its own when copied out of the report.
        svg.Append($"<text x=\"{PlotLeft - 40}\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"{Ink}\">{Escape(title)}</text>\n");
        svg.Append($"<text x=\"{PlotLeft - 40}\" y=\"44\" font-size=\"12\" fill=\"{Muted}\">{Escape(Summary(distribution))}</text>\n");
        Legend(svg, distribution.Permutations);

        // Horizontal grid and count axis.
        svg.Append("<g id=\"y-axis\" font-size=\"11\" fill=\"").Append(Muted).Append("\">\n");
        for (int i = 0; i < y.Count; i++)
        {
            double yy = YFor(y[i]);
            svg.Append($"<line x1=\"{F(PlotLeft)}\" x2=\"{F(PlotRight)}\" y1=\"{F(yy)}\" y2=\"{F(yy)}\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>\n");
            svg.Append($"<text x=\"{F(PlotLeft - 8)}\" y=\"{F(yy + 4)}\" text-anchor=\"end\">{y[i].ToString("F0", Invariant)}</text>\n");
        }
        svg.Append($"<text transform=\"translate(16 {F((PlotTop + PlotBottom) / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"{Ink}\">Permutations</text>\n");
        svg.Append("</g>\n");

        // Bars, with a hairline gap between neighbours. A bin of zero width (all draws equal) is drawn 1/80 of the
        // plot wide, and a bar is at least a pixel tall, so that a single permutation is always seen.
        svg.Append($"<g id=\"null-histogram\" fill=\"{BarFill}\">\n");
        for (int i = 0; i < bins.Counts.Length; i++)
        {
            if (bins.Counts[i] == 0) continue;
            double left, right;
            if (bins.Width > 0)
            {
                left = XFor(bins.Low + i * bins.Width);
                right = XFor(bins.Low + (i + 1) * bins.Width);
                if (right - left > 3) right -= 1;
            }
            else
            {
                double centre = XFor(bins.Low), half = (PlotRight - PlotLeft) / 160;
                (left, right) = (centre - half, centre + half);
            }
            double top = Math.Min(YFor(bins.Counts[i]), PlotBottom - 1);
            svg.Append($"<rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(right - left)}\" height=\"{F(PlotBottom - top)}\"/>\n");
        }
        svg.Append("</g>\n");
        if (sorted.Length == 0)
        {
            svg.Append($"<text x=\"{F((PlotLeft + PlotRight) / 2)}\" y=\"{F((PlotTop + PlotBottom) / 2)}\" text-anchor=\"middle\" font-size=\"13\" fill=\"{Muted}\">No valid permutations</text>\n");
        }

        // Quantile marks, then the observed value on top of everything else.
        if (double.IsFinite(q005) && double.IsFinite(q995))
        {
            svg.Append($"<g id=\"null-quantiles\" stroke=\"{QuantileStroke}\" stroke-width=\"1.25\" stroke-dasharray=\"5 4\">\n");
            svg.Append($"<line id=\"q005\" data-value=\"{R(q005)}\" x1=\"{F(XFor(q005))}\" x2=\"{F(XFor(q005))}\" y1=\"{F(PlotTop)}\" y2=\"{F(PlotBottom)}\"/>\n");
            svg.Append($"<line id=\"q995\" data-value=\"{R(q995)}\" x1=\"{F(XFor(q995))}\" x2=\"{F(XFor(q995))}\" y1=\"{F(PlotTop)}\" y2=\"{F(PlotBottom)}\"/>\n");
            svg.Append("</g>\n");
        }
        if (double.IsFinite(observed))
        {
            double ox = XFor(observed);
            svg.Append($"<line id=\"observed\" data-value=\"{R(observed)}\" x1=\"{F(ox)}\" x2=\"{F(ox)}\" y1=\"{F(PlotTop - 3)}\" y2=\"{F(PlotBottom)}\" stroke=\"{ObservedStroke}\" stroke-width=\"2.5\"/>\n");
            // The label sits above the plot, centred on the line, so it never crosses a bar or a quantile mark;
            // near an edge it is pulled in (0.6 em per character is a safe width for this font at 12 px).
            string label = "observed " + AxisPercent(observed, 2, signed: true);
            double half = label.Length * 12 * 0.3;
            double lx = Math.Clamp(ox, PlotLeft + half, Width - 6 - half);
            svg.Append($"<text x=\"{F(lx)}\" y=\"{F(PlotTop - 8)}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" fill=\"{ObservedStroke}\">")
               .Append($"{Escape(label)}</text>\n");
        }

        // The x axis in percentage points, drawn last so that bars never cover it.
        int decimals = x.Decimals(100);
        svg.Append($"<g id=\"x-axis\" font-size=\"11\" fill=\"{Muted}\">\n");
        svg.Append($"<line x1=\"{F(PlotLeft)}\" x2=\"{F(PlotRight)}\" y1=\"{F(PlotBottom)}\" y2=\"{F(PlotBottom)}\" stroke=\"{Ink}\" stroke-width=\"1\"/>\n");
        for (int i = 0; i < x.Count; i++)
        {
            double tick = Math.Abs(x[i]) < x.Step * 1e-6 ? 0 : x[i];
            double xx = XFor(x[i]);
            svg.Append($"<line x1=\"{F(xx)}\" x2=\"{F(xx)}\" y1=\"{F(PlotBottom)}\" y2=\"{F(PlotBottom + 5)}\" stroke=\"{Ink}\" stroke-width=\"1\"/>\n");
            svg.Append($"<text class=\"tick\" data-value=\"{R(tick)}\" x=\"{F(xx)}\" y=\"{F(PlotBottom + 19)}\" text-anchor=\"middle\">{Escape(TickLabel(tick, decimals))}</text>\n");
        }
        svg.Append($"<text x=\"{F((PlotLeft + PlotRight) / 2)}\" y=\"{Height - 10}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{Ink}\">")
           .Append("Change in turnout per additional treated close friend (percentage points)</text>\n");
        svg.Append("</g>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // The domain holds the whole null and the observed value, widened to whole tick steps. When the observed value
    // lands on the frame, one more step keeps its red line off the axis edge.
    private static AxisTicks XAxis(ReadOnlySpan<double> sorted, double observed)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        if (sorted.Length > 0)
        {
            low = sorted[0];
            high = sorted[^1];
        }
        if (double.IsFinite(observed))
        {
            low = Math.Min(low, observed);
            high = Math.Max(high, observed);
        }
        if (!double.IsFinite(low) || !double.IsFinite(high)) (low, high) = (-0.001, 0.001);
        AxisTicks ticks = AxisTicks.For(low, high, target: 7);
        if (!double.IsFinite(observed)) return ticks;
        double margin = (ticks.High - ticks.Low) * 0.01;
        double start = observed - ticks.Low < margin ? ticks.Start - ticks.Step : ticks.Start;
        int count = ticks.Count + (observed - ticks.Low < margin ? 1 : 0) + (ticks.High - observed < margin ? 1 : 0);
        return new AxisTicks(start, ticks.Step, count);
    }

    // Counts are whole numbers: never a tick step below one.
    private static AxisTicks CountAxis(int maxCount)
    {
        AxisTicks ticks = AxisTicks.For(0, Math.Max(maxCount, 1), target: 5);
        if (ticks.Step >= 1) return ticks;
        return new AxisTicks(0, 1, Math.Max(maxCount, 1) + 1);
    }

    private static void Legend(StringBuilder svg, int permutations)
    {
        // Approximate text widths (0.56 em per character at 11 px) are enough to space three short entries.
        const double fontSize = 11, charWidth = fontSize * 0.56, y = 66;
        string[] labels =
        [
            $"Null: {ReportFormat.Count(permutations)} permutations",
            "Observed",
            "0.5% and 99.5% null quantiles",
        ];
        double x = PlotLeft - 40;
        svg.Append($"<g id=\"legend\" font-size=\"{fontSize}\" fill=\"{Ink}\">\n");
        for (int i = 0; i < labels.Length; i++)
        {
            switch (i)
            {
                case 0:
                    svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y - 9)}\" width=\"18\" height=\"10\" fill=\"{BarFill}\"/>\n");
                    break;
                case 1:
                    svg.Append($"<line x1=\"{F(x)}\" x2=\"{F(x + 18)}\" y1=\"{F(y - 4)}\" y2=\"{F(y - 4)}\" stroke=\"{ObservedStroke}\" stroke-width=\"2.5\"/>\n");
                    break;
                default:
                    svg.Append($"<line x1=\"{F(x)}\" x2=\"{F(x + 18)}\" y1=\"{F(y - 4)}\" y2=\"{F(y - 4)}\" stroke=\"{QuantileStroke}\" stroke-width=\"1.25\" stroke-dasharray=\"5 4\"/>\n");
                    break;
            }
            svg.Append($"<text x=\"{F(x + 24)}\" y=\"{F(y)}\">{Escape(labels[i])}</text>\n");
            x += 24 + labels[i].Length * charWidth + 22;
        }
        svg.Append("</g>\n");
    }

    private static string Summary(NullDistribution distribution)
    {
        string observed = AxisPercent(distribution.Observed, 2, signed: true);
        string range = $"[{AxisPercent(distribution.Q005, 2, signed: true)}, {AxisPercent(distribution.Q995, 2, signed: true)}]";
        return $"Observed {observed}  \u00b7  99% of the null in {range}  \u00b7  two-sided permutation p = {ReportFormat.P(distribution.TwoSided.Value)}";
    }

    // Zero reads "0%" rather than "0.00%", as on a hand-drawn axis; other ticks share one number of decimals.
    private static string TickLabel(double tick, int decimals) =>
        tick == 0 ? "0%" : ReportFormat.Percent(tick, decimals, signed: false, minus: "\u2212", fixedDecimals: true);

    // Percent with a true minus sign, which typesets better than a hyphen in a figure.
    private static string AxisPercent(double value, int decimals, bool signed) =>
        ReportFormat.Percent(value, decimals, signed, minus: "\u2212");

    private static string F(double value) => value.ToString("0.##", Invariant);

    private static string R(double value) => value.ToString("R", Invariant);

    private static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);
}
