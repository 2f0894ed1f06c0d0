using System.CommandLine;
using GpuInference.Backends;
using GpuInference.Cli.Terminal;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>devices</c>: what each backend sees here, and why a backend is unavailable.</summary>
internal static class DevicesCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("devices", "List the backends and devices found on this machine.");
        command.SetAction(_ =>
        {
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            var table = new Table().AddColumns("backend", "status", "device", "memory", "compute units", "details");
            foreach (IBackendProvider provider in GpuInference.Backends.BackendProviders.Default)
            {
                BackendAvailability availability = provider.Probe(new BackendOptions());
                if (availability.Devices.Count == 0)
                {
                    ReportSummary.Row(table, provider.Name, availability.IsAvailable ? "available" : "unavailable", "", "", "", availability.Reason);
                }
                foreach (DeviceInfo device in availability.Devices)
                {
                    ReportSummary.Row(table, provider.Name, availability.IsAvailable ? "available" : "unavailable", device.Name + (device.IsGpu ? " (GPU)" : ""),
                        $"{device.MemoryBytes / 1073741824.0:F1} GiB", device.ComputeUnits.ToString(System.Globalization.CultureInfo.InvariantCulture), device.Details);
                }
            }
            console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
