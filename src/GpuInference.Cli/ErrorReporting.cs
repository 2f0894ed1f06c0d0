using GpuInference.Backends;
using GpuInference.Data;
using GpuInference.Design;
using GpuInference.Estimation;

namespace GpuInference.Cli;

/// <summary>Turns the library's exceptions into one line on standard error and an exit code.</summary>
internal static class ErrorReporting
{
    public static int Guard(Func<int> command, TextWriter error)
    {
        try
        {
            return command();
        }
        catch (UsageException e)
        {
            return Fail(error, e.Message, ExitCodes.Usage);
        }
        catch (GpuInference.Model.Formula.FormulaException e)
        {
            // The formula and a line of carets under the culprit follow the message, aligned, so they keep their line breaks.
            error.WriteLine($"gpuinference: error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (DataFormatException e)
        {
            return Fail(error, e.Message, ExitCodes.BadInput);
        }
        catch (GpuInference.Model.ModelCompilationException e)
        {
            return Fail(error, e.Message, ExitCodes.BadInput);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(error, e.Message, ExitCodes.BadInput);
        }
        catch (Exception e) when (e is DegenerateDesignException or DegenerateSpilloverDesignException)
        {
            return Fail(error, $"degenerate design: {e.Message}", ExitCodes.DegenerateDesign);
        }
        catch (BackendUnavailableException e)
        {
            return Fail(error, e.Message, ExitCodes.BackendUnavailable);
        }
        catch (BackendFaultException e)
        {
            return Fail(error, e.Message, ExitCodes.Failure);
        }
        catch (OperationCanceledException)
        {
            return Fail(error, "cancelled", ExitCodes.Failure);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("GPUINFERENCE_DEBUG") is null)
        {
            // A defect, not a user error; GPUINFERENCE_DEBUG=1 shows the stack trace instead.
            return Fail(error, $"internal error ({e.GetType().Name}): {e.Message}", ExitCodes.Failure);
        }
    }

    private static int Fail(TextWriter error, string message, int code)
    {
        error.WriteLine($"gpuinference: error: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
