using GpuInference.Engine;
using System.CommandLine;
using GpuInference.Analysis;
using GpuInference.Cli.Terminal;
using GpuInference.Estimation;
using GpuInference.Reporting;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>analyze</c>: the paper's whole analysis on a dataset, written as report.json, report.md, report.html, null.csv and SVGs.</summary>
internal static class AnalyzeCommand
{
    internal sealed class Options
    {
        public InputOptions Inputs { get; } = new();
        public Option<int> Permutations { get; } = new("--permutations", "-B") { Description = "Permutations in the null distribution.", DefaultValueFactory = _ => 1000 };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the permutation stream.", DefaultValueFactory = _ => 42UL };
        public Option<string> Backend { get; } = new("--backend") { Description = "auto, cpu, cuda, opencl or ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        public Option<int?> Device { get; } = new("--device") { Description = "Which GPU of the backend, counted from 0 as `devices` lists them (default: the first that starts)." };
        public Option<int> Threads { get; } = new("--threads") { Description = "Host threads (0: all cores).", DefaultValueFactory = _ => 0 };
        public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Permutations per backend call (0: the backend's maximum, 64).", DefaultValueFactory = _ => 0 };
        public Option<double> MatchFraction { get; } = new("--match-fraction") { Description = "Share of the voter record matched, for the totals.", DefaultValueFactory = _ => 0.40 };
        public Option<CovarianceType> Se { get; } = new("--se") { Description = "Robust covariance of the direct effects.", DefaultValueFactory = _ => CovarianceType.HC2 };
        public Option<string> Out { get; } = new("--out") { Description = "Folder for the report files.", Required = true };

        public void AddTo(Command command)
        {
            Inputs.AddTo(command);
            foreach (Option option in new Option[] { Permutations, Seed, Backend, Device, Threads, BatchSize, MatchFraction, Se, Out }) command.Options.Add(option);
        }

        public AnalysisOptions Analysis(ParseResult parsed)
        {
            int permutations = parsed.GetValue(Permutations);
            if (permutations < 1 || permutations > AnalysisOptions.MaxPermutations)
                throw new UsageException($"--permutations must be from 1 to {AnalysisOptions.MaxPermutations:N0}, not {permutations:N0}.");
            double fraction = parsed.GetValue(MatchFraction);
            if (!(fraction > 0 && fraction <= 1)) throw new UsageException("--match-fraction must be in (0, 1].");
            string backend = parsed.GetValue(Backend)!;
            int? device = parsed.GetValue(Device);
            if (device < 0) throw new UsageException("--device counts from 0.");
            if (GpuInference.Estimation.CovarianceSpecification.IsClustered(parsed.GetValue(Se)))
                throw new UsageException($"--se {parsed.GetValue(Se)}: analyze has no cluster variable; use Classical, HC0, HC1, HC2 or HC3.");
            // Before any data is read: a misspelt backend is a usage error, and one named that cannot run here stops the run at once.
            try
            {
                Front.CheckBackend(backend, device);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            return new AnalysisOptions
            {
                Permutations = permutations,
                Seed = parsed.GetValue(Seed),
                Backend = backend,
                Device = device,
                Threads = parsed.GetValue(Threads),
                BatchSize = parsed.GetValue(BatchSize),
                MatchFraction = fraction,
                Covariance = parsed.GetValue(Se),
            };
        }
    }

    /// <summary>The library's front door, with its default backends.</summary>
    internal static readonly Experiments Front = new();

    public static Command Create(TextWriter output)
    {
        var options = new Options();
        var command = new Command("analyze", "Direct effects, spillover effects with their permutation null, and the totals, from a nodes and an edges file.");
        options.AddTo(command);
        command.SetAction(parsed =>
        {
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            string outDir = parsed.GetValue(options.Out)!;
            AnalysisReport report = Analyze(console, options, parsed, outDir);
            ReportSummary.Print(console, report, outDir);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Checks the options, the --out folder and the input files before any work, then loads, analyses and publishes
    /// the report as one set. An earlier report in --out is removed first, so a run that fails leaves none.
    /// </summary>
    internal static AnalysisReport Analyze(IAnsiConsole console, Options options, ParseResult parsed, string outDir)
    {
        AnalysisOptions analysis = options.Analysis(parsed);
        using ReportPublication publication = ReportOutput.Begin(outDir);
        ExperimentInputs inputs = options.Inputs.Experiment(parsed);
        publication.Retract();
        AnalysisReport report = ConsoleProgress.Run(console, progress => Front.Analyze(inputs, analysis, progress));
        Experiments.Publish(publication, report);
        return report;
    }
}
