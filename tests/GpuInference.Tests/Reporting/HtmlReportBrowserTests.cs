using System.Globalization;
using System.Text.RegularExpressions;
using GpuInference.Reporting;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Reporting;

/// <summary>
/// report.html in a real browser (headless Chromium): it loads with nothing on the console, lays out within a phone's
/// width, and every plot is drawn. To find the plots in a screenshot, a page that frames the report measures where
/// each one is; the report itself is never changed.
/// </summary>
public sealed partial class HtmlReportBrowserTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpuinference-browser-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteSampleReport()
    {
        ReportDirectory.Write(SampleReports.Paper(), _directory);
        return Path.Combine(_directory, ReportFiles.Html);
    }

    [ChromiumFact]
    public void LoadsWithNothingOnTheConsole()
    {
        string page = WriteSampleReport();
        HeadlessChromium.Result result = HeadlessChromium.DumpDom(page);
        Assert.True(result.ExitCode == 0, $"chromium exited {result.ExitCode}:\n{result.Log}");
        Assert.Empty(result.ConsoleMessages);

        // The DOM the browser built holds what was written: every table and both plots.
        string dom = result.Output;
        foreach (string id in new[] { "direct-table", "factorial-table", "late-table", "null-table", "p-table", "totals-table", "run-table", "timings-table" })
            Assert.Matches($"<table[^>]* id=\"{id}\">", dom);
        Assert.Equal(2, Regex.Matches(dom, "<svg ").Count);
        Assert.Contains("<figure id=\"plot-banner\">", dom);
        Assert.Contains("<figure id=\"plot-feed\">", dom);
    }

    [ChromiumFact]
    public void TheConsoleCheckSeesAnError()
    {
        // The check above passes on silence; this shows that silence means something: a page that logs an error, and
        // one that tries to fetch an image against its policy, are both caught.
        string noisy = Path.Combine(_directory, "noisy.html");
        File.WriteAllText(noisy, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body><p>x</p>" +
            "<script>console.error('deliberate error')</script></body></html>");
        Assert.Contains(HeadlessChromium.DumpDom(noisy).ConsoleMessages, line => line.Contains("deliberate error", StringComparison.Ordinal));

        string fetching = Path.Combine(_directory, "fetching.html");
        string html = File.ReadAllText(WriteSampleReport()).Replace("</main>", "<img alt=\"\" src=\"https://example.invalid/x.png\"></main>", StringComparison.Ordinal);
        File.WriteAllText(fetching, html);
        Assert.Contains(HeadlessChromium.DumpDom(fetching).ConsoleMessages, line => line.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    [ChromiumTheory]
    [InlineData(390)]   // a phone
    [InlineData(1280)]  // a laptop
    public void EveryPlotIsDrawnAndThePageFitsTheScreen(int width)
    {
        string page = WriteSampleReport();
        Layout layout = Measure(page, width);
        Assert.Equal(width, layout.ViewportWidth);
        Assert.True(layout.ScrollWidth <= layout.ViewportWidth,
            $"the page is {layout.ScrollWidth} px wide in a {layout.ViewportWidth} px window: something does not shrink or scroll in its own box");
        Assert.Equal(2, layout.Plots.Count);

        // The screenshot is of the page itself, framed at the width under test and as tall as the page.
        string png = Path.Combine(_directory, $"page-{width}.png");
        HeadlessChromium.Result shot = HeadlessChromium.Screenshot(Frame(page, width, layout.ScrollHeight, measure: false),
            png, Math.Max(width, HeadlessChromium.MinimumWidth), layout.ScrollHeight);
        Assert.True(shot.ExitCode == 0 && File.Exists(png), $"no screenshot:\n{shot.Log}");
        Assert.Empty(shot.ConsoleMessages);
        PngImage image = PngImage.Read(png);

        foreach (Rectangle plot in layout.Plots)
        {
            Assert.True(plot.Width >= Math.Min(300, width - 40) && plot.X + plot.Width <= width, $"a plot at {plot} in a {width} px window");
            Assert.True(plot.Bottom <= image.Height, $"plot at {plot} is beyond the {image.Height} px screenshot");
            PlotPixels pixels = PlotPixels.Count(image, plot);
            Assert.True(pixels.Colours > 16, $"plot at {plot}: {pixels.Colours} colours, a blank or flat image");
            // The gray bars of the null, the red observed line, and dark text and axes are all there.
            Assert.True(pixels.Bars > plot.Width * plot.Height / 50, $"plot at {plot}: {pixels.Bars} bar pixels");
            Assert.True(pixels.Observed > plot.Height / 4, $"plot at {plot}: {pixels.Observed} red pixels");
            // Text is scaled down at a phone's width, so half a plot's width of dark pixels is the floor (a blank plot has none).
            Assert.True(pixels.Ink > plot.Width / 2, $"plot at {plot}: {pixels.Ink} dark pixels");
        }
    }

    private sealed record Rectangle(int X, int Y, int Width, int Height)
    {
        public int Bottom => Y + Height;
    }

    private sealed record Layout(int ScrollWidth, int ScrollHeight, int ViewportWidth, IReadOnlyList<Rectangle> Plots);

    // A page that shows the report in an iframe of the given width at its top-left corner (headless Chromium lays a
    // page out no narrower than 500 px, a frame can be any width). When measuring, a script reads the framed page's
    // size and where its plots are, and writes them below the frame for --dump-dom; the report itself stays untouched.
    private string Frame(string page, int width, int height, bool measure)
    {
        const string script = """
            <script>
            document.getElementById('report').addEventListener('load', function () {
              var frame = this, doc = frame.contentDocument, root = doc.documentElement;
              var boxes = Array.prototype.map.call(doc.querySelectorAll('figure svg'), function (svg) {
                var r = svg.getBoundingClientRect();
                return [r.left, r.top + frame.contentWindow.scrollY, r.width, r.height].map(Math.round).join(',');
              });
              var out = document.createElement('pre');
              out.textContent = 'LAYOUT ' + root.scrollWidth + ' ' + root.scrollHeight + ' ' + frame.contentWindow.innerWidth + ' ' + boxes.join(';') + ' END';
              document.body.appendChild(out);
            });
            </script>
            """;
        string framing = Path.Combine(_directory, $"frame-{width}-{(measure ? "measure" : "shot")}.html");
        File.WriteAllText(framing,
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>frame</title><style>body { margin: 0; background: #fff; } " +
            "iframe { display: block; border: 0; }</style></head><body>" +
            $"<iframe id=\"report\" src=\"{Path.GetFileName(page)}\" width=\"{width}\" height=\"{height}\" scrolling=\"no\"></iframe>" +
            (measure ? script : "") + "</body></html>");
        return framing;
    }

    private Layout Measure(string page, int width)
    {
        HeadlessChromium.Result result = HeadlessChromium.DumpDom(Frame(page, width, 16000, measure: true),
            Math.Max(width, HeadlessChromium.MinimumWidth), 900, framesMayRead: true);
        Match m = LayoutLine().Match(result.Output);
        Assert.True(m.Success, $"no layout from the measuring page:\n{result.Output}\n{result.Log}");
        Assert.Empty(result.ConsoleMessages);
        int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
        var plots = m.Groups[4].Value.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(box => box.Split(',').Select(Int).ToArray())
            .Select(v => new Rectangle(v[0], v[1], v[2], v[3]))
            .ToList();
        return new Layout(Int(m.Groups[1].Value), Int(m.Groups[2].Value), Int(m.Groups[3].Value), plots);
    }

    private readonly record struct PlotPixels(int Colours, int Bars, int Observed, int Ink)
    {
        // Colours of SvgHistogram: bars #a9a9a9, observed #d62728, text and axes #262626 / #5f5f5f. Anti-aliasing
        // blends edges, so each is counted within a tolerance; the frame's own border (1 px) is left out.
        public static PlotPixels Count(PngImage image, Rectangle box)
        {
            var colours = new HashSet<int>();
            int bars = 0, observed = 0, ink = 0;
            for (int y = box.Y + 2; y < box.Bottom - 2; y++)
            {
                for (int x = box.X + 2; x < box.X + box.Width - 2; x++)
                {
                    var (r, g, b) = image[x, y];
                    colours.Add(r << 16 | g << 8 | b);
                    if (Near(r, 0xa9) && Near(g, 0xa9) && Near(b, 0xa9)) bars++;
                    else if (r > 170 && g < 90 && b < 90) observed++;
                    else if (r < 110 && g < 110 && b < 110) ink++;
                }
            }
            return new PlotPixels(colours.Count, bars, observed, ink);
        }

        private static bool Near(byte value, int target) => Math.Abs(value - target) <= 10;
    }

    [GeneratedRegex(@"LAYOUT (\d+) (\d+) (\d+) ([\d,;.\-]*) END")]
    private static partial Regex LayoutLine();
}

/// <summary>
/// A fact that needs Chromium: skipped where there is none, except under CI (CI=true), which installs it, so that a
/// missing browser there is a failure and not a silent skip.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Path is null && !HeadlessChromium.IsCi) Skip = "no chromium here (CI installs it: apt-get install chromium)";
    }
}

/// <summary>A theory that needs Chromium; see <see cref="ChromiumFactAttribute"/>.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (HeadlessChromium.Path is null && !HeadlessChromium.IsCi) Skip = "no chromium here (CI installs it: apt-get install chromium)";
    }
}
