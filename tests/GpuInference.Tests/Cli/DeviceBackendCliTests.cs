using System.Globalization;

namespace GpuInference.Tests.Cli;

/// <summary>The device backend through the command line, on ILGPU's CPU accelerator (which every machine has).</summary>
public sealed class DeviceBackendCliTests
{
    /// <summary><c>analyze --backend ilgpu-cpu</c> writes the managed backend's null.csv byte for byte, for a 0/1 and a real outcome.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IlgpuCpuNullIsTheCpuNullByteForByte(bool realOutcome)
    {
        string dir = CliRunner.TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "4000", "--seed", "5", "--out", dir).Exit);
        string nodes = Path.Combine(dir, "nodes.csv");
        if (realOutcome) MakeOutcomeReal(nodes);
        string Null(string backend)
        {
            string outDir = Path.Combine(dir, backend);
            var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", Path.Combine(dir, "edges.csv"),
                "--permutations", "70", "--seed", "9", "--backend", backend, "--out", outDir);
            Assert.True(run.Exit == 0, run.Error);
            return File.ReadAllText(Path.Combine(outDir, "null.csv"));
        }
        string cpu = Null("cpu");
        Assert.Equal(71, cpu.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(cpu, Null("ilgpu-cpu"));
    }

    [Fact]
    public void SelfCheckPassesOnTheCpuAccelerator()
    {
        var run = CliRunner.Run("selfcheck", "--backend", "ilgpu-cpu", "--n", "3001");
        Assert.True(run.Exit == 0, run.Out + run.Error);
        Assert.Contains("real-valued outcome:", run.Out, StringComparison.Ordinal);
        Assert.Equal(12, run.Out.Split('\n').Count(l => l.StartsWith("ilgpu-cpu on ", StringComparison.Ordinal) && l.Contains(": OK ", StringComparison.Ordinal)));
        // The general model's kernels, model by model, every statistic of every permutation bit for bit.
        Assert.Contains("general models:", run.Out, StringComparison.Ordinal);
        Assert.Equal(4, run.Out.Split('\n').Count(l => l.StartsWith("ilgpu-cpu: OK takeup ~ ", StringComparison.Ordinal)));
    }

    [Fact]
    public void ADeviceThatDoesNotExistStopsTheRunBeforeAnyWork()
    {
        string dir = CliRunner.TempFolder();
        var run = CliRunner.Run("analyze", "--nodes", Path.Combine(dir, "missing.csv"), "--edges", Path.Combine(dir, "missing.csv"),
            "--backend", "ilgpu-cpu", "--device", "3", "--out", Path.Combine(dir, "r"));
        Assert.Equal(5, run.Exit);
        Assert.Contains("no device 3: 1 ilgpu-cpu device found (counted from 0)", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "r")));
    }

    /// <summary>Rewrites the voted column as voted + a fraction that differs from row to row (blank cells stay blank).</summary>
    private static void MakeOutcomeReal(string nodes)
    {
        string[] lines = File.ReadAllLines(nodes);
        int column = Array.IndexOf(lines[0].Split(','), "voted");
        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(',');
            if (fields[column].Length == 0) continue;
            double y = double.Parse(fields[column], CultureInfo.InvariantCulture) + (i % 13) / 13.0 * 0.37;
            fields[column] = y.ToString("R", CultureInfo.InvariantCulture);
            lines[i] = string.Join(',', fields);
        }
        File.WriteAllLines(nodes, lines);
    }
}
