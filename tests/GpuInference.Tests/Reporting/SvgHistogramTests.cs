using System.Globalization;
using System.Xml.Linq;
using GpuInference.Inference;
using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

public class SvgHistogramTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement Element(XDocument svg, string id) =>
        svg.Descendants().Single(e => (string?)e.Attribute("id") == id);

    private static double Attribute(XElement element, string name) =>
        double.Parse((string)element.Attribute(name)!, CultureInfo.InvariantCulture);

    // Ticks are labelled in percent ("0.05%", "−0.10%"); their data-value holds the outcome-unit value.
    private static (double Value, double X)[] Ticks(XDocument svg) => svg.Descendants(Svg + "text")
        .Where(t => (string?)t.Attribute("class") == "tick")
        .Select(t => (Attribute(t, "data-value"), Attribute(t, "x")))
        .ToArray();

    [Fact]
    public void IsWellFormedSvgWithTheExpectedParts()
    {
        var statistic = new SpilloverStatistic("banner", new NullDistribution(0.001, SampleReports.NormalDraws(1000, 0.0003, seed: 1)));
        XDocument svg = XDocument.Parse(SvgHistogram.Render(statistic));

        Assert.Equal(Svg + "svg", svg.Root!.Name);
        Assert.Equal("640", (string?)svg.Root.Attribute("width"));
        Assert.Equal("360", (string?)svg.Root.Attribute("height"));
        Assert.NotEmpty(Element(svg, "null-histogram").Elements(Svg + "rect"));
        Assert.Equal("#d62728", (string?)Element(svg, "observed").Attribute("stroke"));
        Assert.NotNull(Element(svg, "q005"));
        Assert.NotNull(Element(svg, "q995"));
        Assert.NotNull(Element(svg, "legend"));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value.EndsWith('%'));
        Assert.DoesNotContain("NaN", svg.ToString());
    }

    [Fact]
    public void ObservedLineSitsWhereTheAxisPutsItsValue()
    {
        // Observed 0.10%; the null lies in about ±0.1%, so the axis has a tick at 0.10% (0.001) among others.
        var distribution = new NullDistribution(0.001, SampleReports.NormalDraws(1000, 0.0003, seed: 1));
        XDocument svg = XDocument.Parse(SvgHistogram.Render(distribution, "banner"));
        var ticks = Ticks(svg);
        Assert.True(ticks.Length >= 3);

        // Linear interpolation between the first and last ticks gives where 0.001 must be drawn.
        var (v0, x0) = ticks[0];
        var (v1, x1) = ticks[^1];
        double expected = x0 + (0.001 - v0) / (v1 - v0) * (x1 - x0);
        XElement observed = Element(svg, "observed");
        Assert.Equal(expected, Attribute(observed, "x1"), 1);
        Assert.Equal(Attribute(observed, "x1"), Attribute(observed, "x2"));

        // And it coincides with the tick labelled 0.10%.
        XElement tick = svg.Descendants(Svg + "text").Single(t => (string?)t.Attribute("class") == "tick" && t.Value == "0.10%");
        Assert.Equal(Attribute(tick, "x"), Attribute(observed, "x1"), 1);

        // The quantile marks are drawn at their quantiles too.
        double q995 = distribution.Q995;
        Assert.Equal(x0 + (q995 - v0) / (v1 - v0) * (x1 - x0), Attribute(Element(svg, "q995"), "x1"), 1);
    }

    [Fact]
    public void NegativeTickLabelsUseAMinusSign()
    {
        var distribution = new NullDistribution(0.001, SampleReports.NormalDraws(1000, 0.0003, seed: 1));
        XDocument svg = XDocument.Parse(SvgHistogram.Render(distribution, "banner"));
        var labels = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value).ToArray();
        Assert.Contains("0%", labels);
        Assert.Contains(labels, l => l.StartsWith('\u2212'));
    }

    [Theory]
    [InlineData(new double[] { 0.0004, 0.0004, 0.0004 }, 0.0004)]
    [InlineData(new double[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new double[] { 0.0002 }, 0.001)]
    [InlineData(new double[] { }, 0.001)]
    [InlineData(new double[] { double.NaN, double.NaN }, 0.001)]
    [InlineData(new double[] { -0.0001, 0.0001 }, double.NaN)]
    public void DegenerateInputsStillGiveValidSvg(double[] draws, double observed)
    {
        string text = SvgHistogram.Render(new NullDistribution(observed, draws), "edge case <&>");
        XDocument svg = XDocument.Parse(text);
        Assert.Equal(Svg + "svg", svg.Root!.Name);
        Assert.DoesNotContain("NaN", text);
        Assert.DoesNotContain("Infinity", text);
        Assert.Contains(svg.Descendants(Svg + "title"), t => t.Value == "edge case <&>");
        foreach (var rect in Element(svg, "null-histogram").Elements(Svg + "rect"))
        {
            Assert.True(Attribute(rect, "width") > 0);
            Assert.True(Attribute(rect, "height") > 0);
        }
        bool hasObserved = svg.Descendants().Any(e => (string?)e.Attribute("id") == "observed");
        Assert.Equal(double.IsFinite(observed), hasObserved);
    }

    [Fact]
    public void EveryBarLiesInsideThePlot()
    {
        var distribution = new NullDistribution(0.003, SampleReports.NormalDraws(50, 0.0003, seed: 9));
        XDocument svg = XDocument.Parse(SvgHistogram.Render(distribution, "far observed"));
        var ticks = Ticks(svg);
        foreach (var rect in Element(svg, "null-histogram").Elements(Svg + "rect"))
        {
            Assert.InRange(Attribute(rect, "x"), ticks[0].X - 0.01, ticks[^1].X + 0.01);
            Assert.InRange(Attribute(rect, "x") + Attribute(rect, "width"), ticks[0].X - 0.01, ticks[^1].X + 0.01);
        }
        Assert.InRange(Attribute(Element(svg, "observed"), "x1"), ticks[0].X, ticks[^1].X);
    }
}
