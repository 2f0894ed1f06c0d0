using System.Diagnostics;
using GpuInference.Simulation;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Graph.CloseFriends;

/// <summary>
/// Runs the built command as a child process on 4,000,000 rows (about 57 MB of CSV, about 64 MB once held as
/// pair keys and counts) with a 4 MiB budget and without one, and reads each child's peak resident memory
/// (VmHWM) from /proc while it runs. The bounded run must give the same edges and stay near the runtime's own
/// footprint; the unbounded one shows what holding the data costs.
/// </summary>
public sealed class CloseFriendsMemoryTests : IDisposable
{
    private const long Rows = 4_000_000;
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ABudgetOfFourMegabytesSpillsAndGivesTheSameEdges()
    {
        if (!OperatingSystem.IsLinux()) return; // peak memory is read from /proc
        string log = _files.PathOf("log.csv");
        InteractionLogSimulator.Write(log, new InteractionLogOptions { Rows = Rows, Seed = 11 });

        var (boundedPeak, boundedOut) = RunChild(log, "bounded.csv", "4M");
        var (unboundedPeak, unboundedOut) = RunChild(log, "unbounded.csv", "4G");

        string[] bounded = File.ReadAllLines(_files.PathOf("bounded.csv")), unbounded = File.ReadAllLines(_files.PathOf("unbounded.csv"));
        Assert.True(bounded.Length > 100_000, $"{bounded.Length} lines");
        Assert.Equal(unbounded.Order(StringComparer.Ordinal), bounded.Order(StringComparer.Ordinal));
        Assert.Equal(Last(unboundedOut), Last(boundedOut)); // the same summary line

        const long MiB = 1 << 20;
        Assert.True(boundedPeak < 100 * MiB, $"bounded peak {boundedPeak / MiB} MiB");
        Console.WriteLine($"close-friends on {Rows:N0} rows: peak RSS {boundedPeak / MiB} MiB with --memory 4M, {unboundedPeak / MiB} MiB with 4G");
        Assert.True(unboundedPeak - boundedPeak > 40 * MiB, $"peaks: bounded {boundedPeak / MiB} MiB, unbounded {unboundedPeak / MiB} MiB");
    }

    private static string Last(string output) => output.Trim().Split('\n')[^1].Split('→')[0];

    /// <summary>Runs the command line program beside the test binaries; returns its peak RSS in bytes and its output.</summary>
    private (long PeakBytes, string Output) RunChild(string log, string output, string memory)
    {
        string program = Path.Combine(AppContext.BaseDirectory, "gpuinference.dll");
        // `dotnet test` names the host it runs under; elsewhere the one on PATH.
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } named ? named : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { program, "close-friends", "--interactions", log, "--out", _files.PathOf(output), "--memory", memory }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        long peak = 0;
        string status = $"/proc/{child.Id}/status";
        while (!child.HasExited)
        {
            try
            {
                foreach (string line in File.ReadLines(status))
                {
                    if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                    peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);
                }
            }
            catch (IOException) { }
            Thread.Sleep(2);
        }
        child.WaitForExit();
        Assert.True(child.ExitCode == 0, stderr.Result);
        Assert.True(peak > 0, "no peak memory read");
        return (peak, stdout.Result);
    }
}
