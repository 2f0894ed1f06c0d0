using GpuInference.Analysis;
using Spectre.Console;

namespace GpuInference.Cli.Terminal;

/// <summary>
/// Progress bars for long work (loading, simulating, permuting) drawn by Spectre.Console. Warnings are held back
/// while bars are live (interleaved lines would tear the display) and printed once the bars are done.
/// </summary>
internal sealed class ConsoleProgress : IAnalysisProgress
{
    private readonly ProgressContext _context;
    private readonly List<string> _warnings;
    private ProgressTask? _current;

    private ConsoleProgress(ProgressContext context, List<string> warnings)
    {
        _context = context;
        _warnings = warnings;
    }

    /// <summary>A console on <paramref name="output"/>: colours and live bars only when it is a terminal.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

    /// <summary>Runs <paramref name="work"/> with live bars, then prints the warnings it raised.</summary>
    public static T Run<T>(IAnsiConsole console, Func<IAnalysisProgress, T> work)
    {
        var warnings = new List<string>();
        T result;
        if (console.Profile.Capabilities.Interactive)
        {
            result = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context => work(new ConsoleProgress(context, warnings)));
        }
        else
        {
            result = work(new PlainProgress(console, warnings));
        }
        foreach (string warning in warnings) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        return result;
    }

    public void Begin(string phase, long total)
    {
        _current = _context.AddTask(phase, maxValue: Math.Max(1, total));
        _current.IsIndeterminate = total <= 0;
    }

    public void Advance(long done)
    {
        if (_current is not null) _current.Value = done;
    }

    public void End()
    {
        if (_current is null) return;
        _current.IsIndeterminate = false;
        _current.Value = _current.MaxValue;
        _current.StopTask();
    }

    public void Warn(string message) => _warnings.Add(message);

    /// <summary>
    /// For logs and pipes: a line when a phase starts, one at most every ten seconds while it counts steps
    /// (with the rate and the time left), and one when it ends.
    /// </summary>
    private sealed class PlainProgress(IAnsiConsole console, List<string> warnings) : IAnalysisProgress
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
        private readonly System.Diagnostics.Stopwatch _clock = new();
        private string _phase = "";
        private long _total;
        private TimeSpan _lastReport;

        public void Begin(string phase, long total)
        {
            _phase = phase;
            _total = total;
            _lastReport = TimeSpan.Zero;
            _clock.Restart();
            console.WriteLine(total > 0 ? $"{phase}: {total:N0} steps" : $"{phase}...");
        }

        public void Advance(long done)
        {
            TimeSpan now = _clock.Elapsed;
            if (_total <= 0 || done <= 0 || now - _lastReport < Interval) return;
            _lastReport = now;
            TimeSpan left = now * ((double)(_total - done) / done);
            console.WriteLine($"{_phase}: {done:N0}/{_total:N0} ({100.0 * done / _total:F0}%), {now.TotalSeconds:F0} s elapsed, about {left.TotalSeconds:F0} s left");
        }

        public void End() => console.WriteLine($"{_phase}: done in {_clock.Elapsed.TotalSeconds:F2} s");

        public void Warn(string message) => warnings.Add(message);
    }
}
