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

    /// <summary>For logs and pipes: one line when a phase starts and one when it ends, with its time.</summary>
    private sealed class PlainProgress(IAnsiConsole console, List<string> warnings) : IAnalysisProgress
    {
        private readonly System.Diagnostics.Stopwatch _clock = new();
        private string _phase = "";

        public void Begin(string phase, long total)
        {
            _phase = phase;
            _clock.Restart();
            console.WriteLine(total > 0 ? $"{phase}: {total:N0} steps" : $"{phase}...");
        }

        public void Advance(long done) { }

        public void End() => console.WriteLine($"{_phase}: done in {_clock.Elapsed.TotalSeconds:F2} s");

        public void Warn(string message) => warnings.Add(message);
    }
}
