using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Kernels;

namespace GpuInference.Gpu.Common;

/// <summary>
/// What the OpenCL and CUDA backends share: argument checks, the test-only fault injection of
/// <see cref="BackendOptions.FailOnCall"/>, and the mapping of device failures to <see cref="BackendFaultException"/>
/// so that the runner can retry the batch elsewhere.
/// </summary>
internal abstract class DeviceBackend : IPermutationBackend
{
    private readonly int? _failOnCall;
    private readonly Lock _gate = new();
    private int _calls;
    private bool _disposed;

    protected DeviceBackend(DeviceProblem problem, BackendOptions options)
    {
        DeviceProblem = problem;
        _failOnCall = options.FailOnCall;
        MaxBatchSize = options.BatchSize is > 0 and < KernelOptions.MaxBatch ? options.BatchSize : KernelOptions.MaxBatch;
    }

    public abstract string Name { get; }

    public abstract string Device { get; }

    public int MaxBatchSize { get; }

    protected DeviceProblem DeviceProblem { get; }

    public void Fit(PermutationBatch batch, Span<double> coefficients)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.Count, 1, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch.Count, MaxBatchSize, nameof(batch));
        if (batch.Observed && batch.Count != 1) throw new ArgumentException("the observed assignment is a batch of one.", nameof(batch));
        if (!batch.Observed && batch.First < 0) throw new ArgumentOutOfRangeException(nameof(batch), "permutation indices start at 0.");
        if (coefficients.Length < batch.Count * SpilloverProblem.Regressors)
            throw new ArgumentException($"room for {batch.Count * SpilloverProblem.Regressors} coefficients is needed.", nameof(coefficients));

        int call = Interlocked.Increment(ref _calls);
        if (_failOnCall == call) throw new BackendFaultException($"{Name}: injected fault on call {call} (FailOnCall)");

        try
        {
            // One set of device buffers per backend: batches run one at a time.
            lock (_gate) FitOnDevice(batch, coefficients[..(batch.Count * SpilloverProblem.Regressors)]);
        }
        catch (Exception e) when (e is not BackendFaultException and not ArgumentException)
        {
            throw new BackendFaultException($"{Name} on {Device}: batch {batch.First}+{batch.Count} failed: {e.Message}", e);
        }
    }

    /// <summary>Runs the four kernels of one batch and reads back count × 4 coefficients.</summary>
    protected abstract void FitOnDevice(PermutationBatch batch, Span<double> coefficients);

    protected abstract void ReleaseDevice();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            ReleaseDevice();
        }
        GC.SuppressFinalize(this);
    }
}
