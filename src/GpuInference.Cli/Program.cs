using System.CommandLine;
using GpuInference.Cli.Commands;

namespace GpuInference.Cli;

/// <summary>The <c>gpuinference</c> command: a thin shell over the library; each command lives in Commands/.</summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs one command line; tests call this directly.</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Permutation inference for network experiments: direct effects, spillovers and their randomization null.")
        {
            SimulateCommand.Create(output),
            AnalyzeCommand.Create(output),
            TestCommand.Create(output),
            RegressCommand.Create(output),
            DemoCommand.Create(output),
            PackCommand.Create(output),
            DevicesCommand.Create(output),
            SelfCheckCommand.Create(output),
            CloseFriendsCommand.Create(output),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors) error.WriteLine($"gpuinference: {problem.Message}");
            return ExitCodes.Usage;
        }
        return ErrorReporting.Guard(() => parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }), error);
    }
}
