using System.Diagnostics;
using System.Globalization;
using GpuInference.Backends.Cpu;
using GpuInference.Design;

namespace GpuInference.Backends.Devices;

/// <summary>
/// A field check for a machine with a GPU: fits a few batches on each available device backend and compares every
/// coefficient with the managed <see cref="CpuBackend"/>, the reference every device is held to, printing OK or
/// FAIL with the largest relative difference, for each way of building the permuted assignment, on the problem as
/// given (a 0/1 outcome) and on its twin with a real-valued outcome. Meant for a hidden CLI command; returns 0 when
/// every backend that could start agreed bit for bit, 1 on any disagreement, 2 when no device backend could start.
/// </summary>
public static class GpuSelfCheck
{
    public static int Run(
        SpilloverProblem problem, TextWriter? output = null, IEnumerable<IBackendProvider>? providers = null, ulong seed = 20121102, int? device = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        output ??= Console.Out;
        providers ??= DeviceCatalog.DeviceProviders();
        var options = new BackendOptions { GpuOnly = false, Device = device };
        int started = 0;
        bool allAgree = true;
        foreach (SpilloverProblem variant in new[] { problem, WithRealOutcome(problem) })
        {
            output.WriteLine(variant.OutcomeIsInteger ? "0/1 outcome:" : "real-valued outcome:");
            allAgree &= RunOne(variant, output, providers, seed, options, ref started);
        }
        if (started == 0)
        {
            output.WriteLine("no device backend could start");
            return 2;
        }
        return allAgree ? 0 : 1;
    }

    /// <summary>The same design with the outcome y replaced by y + a fraction that differs from unit to unit.</summary>
    private static SpilloverProblem WithRealOutcome(SpilloverProblem problem)
    {
        double[] outcome = [.. problem.Outcome.Select((y, i) => y + (i % 97) / 97.0 * 0.731)];
        return new SpilloverProblem(problem.NodeCount, problem.RowOffsets, problem.Neighbors, problem.Cells, outcome,
            problem.StratumStart, problem.StratumLabels, problem.ChunkSize);
    }

    private static bool RunOne(
        SpilloverProblem problem, TextWriter output, IEnumerable<IBackendProvider> providers, ulong seed, BackendOptions options, ref int started)
    {
        PermutationBatch[] batches = [PermutationBatch.ObservedAssignment(seed), new(seed, 0, 64), new(seed, 64 * 1000 + 3, 7)];

        // The managed backend is the reference; its results do not depend on its thread count.
        using var reference = new CpuBackend(problem, new BackendOptions());
        bool allAgree = true;
        foreach (IBackendProvider provider in providers)
        {
            BackendAvailability availability = provider.Probe(options);
            if (!availability.IsAvailable)
            {
                output.WriteLine($"{provider.Name}: SKIP ({availability.Reason})");
                continue;
            }
            // Both ways of building the permuted assignment: each has its own kernels.
            foreach (AssignmentMethod method in (AssignmentMethod[])[AssignmentMethod.Correct, AssignmentMethod.Gather])
            {
                IPermutationBackend backend;
                try
                {
                    backend = provider is IAssignmentMethodProvider methods ? methods.Create(problem, options, method) : provider.Create(problem, options);
                }
                catch (BackendUnavailableException e)
                {
                    output.WriteLine($"{provider.Name}: FAIL to start: {e.Message}");
                    allAgree = false;
                    break;
                }
                started++;
                using (backend)
                {
                    foreach (PermutationBatch batch in batches)
                    {
                        var watch = Stopwatch.StartNew();
                        var actual = new double[batch.Count * SpilloverProblem.Regressors];
                        backend.Fit(batch, actual);
                        double deviceMs = watch.Elapsed.TotalMilliseconds;
                        var expected = new double[actual.Length];
                        reference.Fit(batch, expected);
                        var (identical, maxRelative) = Compare(expected, actual);
                        allAgree &= identical;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{backend.Name} on {backend.Device}, assignment {method.ToString().ToLowerInvariant()}: batch first={batch.First} count={batch.Count}{(batch.Observed ? " (observed)" : "")}: " +
                            $"{(identical ? "OK" : "FAIL")} max relative difference {maxRelative:E3}, device {deviceMs:F1} ms"));
                    }
                }
            }
        }
        return allAgree;
    }

    /// <summary>Bit-identical (NaN matching NaN), and the largest relative difference seen.</summary>
    internal static (bool Identical, double MaxRelative) Compare(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        bool identical = true;
        double max = 0;
        for (int t = 0; t < expected.Length; t++)
        {
            if (double.IsNaN(expected[t]) || double.IsNaN(actual[t]))
            {
                if (double.IsNaN(expected[t]) != double.IsNaN(actual[t])) { identical = false; max = double.PositiveInfinity; }
                continue;
            }
            if (BitConverter.DoubleToInt64Bits(expected[t]) != BitConverter.DoubleToInt64Bits(actual[t])) identical = false;
            double scale = Math.Max(Math.Abs(expected[t]), double.Epsilon);
            max = Math.Max(max, Math.Abs(expected[t] - actual[t]) / scale);
        }
        return (identical, max);
    }
}
