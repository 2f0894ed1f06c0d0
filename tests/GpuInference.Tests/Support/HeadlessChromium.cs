using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GpuInference.Tests.Support;

/// <summary>
/// Chromium in headless mode, as Debian packages it (<c>apt-get install chromium</c>): load a local page and take
/// its DOM after loading, or a screenshot, with the browser's console written to standard error. Each run gets a
/// profile folder of its own, so that tests may run side by side.
/// </summary>
public static partial class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The browser's path (<c>CHROMIUM</c> if set, else the first of its usual names on PATH), or null.</summary>
    public static string? Path => Found.Value;

    /// <summary>Whether this is a CI run (CI=true), which installs Chromium and so must not skip the browser tests.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>What one run printed.</summary>
    public sealed record Result(int ExitCode, string Output, string Log)
    {
        /// <summary>
        /// The lines in which the page wrote to the console: script errors, refused loads, policy violations, and
        /// anything a script logged. Chromium prints them as <c>[...:INFO:CONSOLE:12] "message", source: ...</c>
        /// (older builds: <c>CONSOLE(12)</c>).
        /// </summary>
        public IReadOnlyList<string> ConsoleMessages =>
            Log.Split('\n').Where(line => ConsoleLine().IsMatch(line)).Select(line => line.Trim()).ToArray();
    }

    /// <summary>
    /// The narrowest window headless Chromium lays a page out in: a smaller <c>--window-size</c> only crops the
    /// screenshot. A phone's width is had by framing the page in an iframe of that width.
    /// </summary>
    public const int MinimumWidth = 500;

    /// <summary>
    /// The page's DOM once loaded (<c>--dump-dom</c>), at a window of the given size. <paramref name="framesMayRead"/>
    /// lets a local page's script read the documents of the local pages it frames (<c>--allow-file-access-from-files</c>).
    /// </summary>
    public static Result DumpDom(string page, int width = 1280, int height = 900, bool framesMayRead = false) =>
        Run(page, width, height, "--dump-dom", framesMayRead);

    /// <summary>A screenshot of the page's top <paramref name="height"/> pixels at <paramref name="width"/>, saved to <paramref name="png"/>.</summary>
    public static Result Screenshot(string page, string png, int width, int height) =>
        Run(page, width, height, "--screenshot=" + png, framesMayRead: false);

    private static Result Run(string page, int width, int height, string action, bool framesMayRead)
    {
        string browser = Path ?? throw new InvalidOperationException(
            "chromium not found (install it with apt-get install chromium, or set CHROMIUM to the browser's path)");
        string profile = Directory.CreateTempSubdirectory("gpuinference-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(browser)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[]
            {
                "--headless", "--disable-gpu", "--no-sandbox", "--enable-logging=stderr", "--v=0",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                "--force-device-scale-factor=1", $"--window-size={width},{height}", "--user-data-dir=" + profile,
                action, new Uri(System.IO.Path.GetFullPath(page)).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }
            if (framesMayRead) start.ArgumentList.Insert(0, "--allow-file-access-from-files");
            using Process process = Process.Start(start)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> log = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium {action} {page} did not finish in 90 s");
            }
            return new Result(process.ExitCode, output.Result, log.Result);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable("CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in Names)
        {
            foreach (string folder in folders)
            {
                string candidate = System.IO.Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    [GeneratedRegex(@":CONSOLE[:(]\d+")]
    private static partial Regex ConsoleLine();
}
