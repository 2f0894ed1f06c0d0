namespace GpuInference.Tests.Cli;

/// <summary>Runs the command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = GpuInference.Cli.Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "gpuinference-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
