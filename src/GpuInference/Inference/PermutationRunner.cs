using GpuInference.Backends;
using GpuInference.Design;

namespace GpuInference.Inference;

/// <summary>The observed spillover coefficients and their permutation null, row-major B × 4.</summary>
public sealed record PermutationResult(double[] Observed, double[] Null, int Permutations, string Backend, string Device, IReadOnlyList<string> Notes)
{
    /// <summary>The null values of regressor <paramref name="regressor"/> (0 = banner exposure, 1 = feed exposure).</summary>
    public double[] NullOf(int regressor)
    {
        var values = new double[Permutations];
        for (int b = 0; b < Permutations; b++) values[b] = Null[b * SpilloverProblem.Regressors + regressor];
        return values;
    }
}

/// <summary>
/// Drives a backend through the observed fit and B permutations in batches. A batch's coefficients are stored
/// only after the whole batch succeeded, and permutation b is a pure function of (seed, b): so after a fault the
/// same batch can be retried in smaller pieces, or on the next backend, without losing or repeating a permutation.
/// </summary>
public sealed class PermutationRunner(BackendSession session)
{
    private const int K = SpilloverProblem.Regressors;

    /// <summary>Faults answered by retrying with smaller batches (fallbacks to another backend are in the session's notes).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Runs the observed fit and permutations 0..B-1; <paramref name="progress"/> receives completed permutations.</summary>
    public PermutationResult Run(ulong seed, int permutations, int batchSize = 0, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permutations);
        var observed = new double[K];
        RunWithFallback(PermutationBatch.ObservedAssignment(seed), observed);

        var nulls = new double[(long)permutations * K];
        int done = 0;
        int size = Math.Max(1, batchSize);
        while (done < permutations)
        {
            cancel.ThrowIfCancellationRequested();
            int limit = batchSize > 0 ? Math.Min(size, session.Current.MaxBatchSize) : session.Current.MaxBatchSize;
            int count = Math.Min(limit, permutations - done);
            if (TryFit(new PermutationBatch(seed, done, count), nulls.AsSpan(done * K, count * K), out string? fault))
            {
                done += count;
                progress?.Report(done);
                continue;
            }
            if (count > 1)
            {
                // First answer to a fault: the same backend with half the batch (out-of-memory is the usual cause).
                size = Math.Max(1, count / 2);
                batchSize = size;
                Warnings.Add($"{session.Current.Name}: {fault}; retrying with batches of {size}");
            }
            else if (!session.FallBack(fault!))
            {
                throw new BackendFaultException($"every backend failed; last error: {fault}");
            }
        }
        return new PermutationResult(observed, nulls, permutations, session.Current.Name, session.Current.Device, [.. session.Notes, .. Warnings]);
    }

    private void RunWithFallback(PermutationBatch batch, Span<double> coefficients)
    {
        while (!TryFit(batch, coefficients, out string? fault))
        {
            if (!session.FallBack(fault!)) throw new BackendFaultException($"every backend failed; last error: {fault}");
        }
    }

    private bool TryFit(PermutationBatch batch, Span<double> coefficients, out string? fault)
    {
        try
        {
            session.Current.Fit(batch, coefficients);
            fault = null;
            return true;
        }
        catch (BackendFaultException e)
        {
            fault = e.Message;
            return false;
        }
    }
}
