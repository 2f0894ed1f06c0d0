using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Kernels;
using GpuInference.Random;

namespace GpuInference.Gpu.Common;

/// <summary>
/// Everything the OpenCL and CUDA backends do alike: argument checks, the test-only fault injection of
/// <see cref="BackendOptions.FailOnCall"/>, the mapping of device failures to <see cref="BackendFaultException"/>
/// (so that the runner can retry the batch elsewhere), the start-up sequence (kernels, Philox self-test, problem
/// upload) and the batch itself: round keys → permuted cells → chunk sums → solve → count × 4 coefficients back.
/// Each API supplies only its primitives: allocate, copy, launch, and making its context current.
/// </summary>
/// <typeparam name="TBuffer">The API's device buffer.</typeparam>
/// <typeparam name="TKernel">The API's compiled kernel.</typeparam>
internal abstract class DeviceBackend<TBuffer, TKernel> : IPermutationBackend, IDeviceKernelProbe
    where TBuffer : class, IDisposable
    where TKernel : class
{
    private readonly int? _failOnCall;
    private readonly Lock _gate = new();
    private readonly List<IDisposable> _owned = [];
    private int _calls;
    private bool _disposed;

    private TKernel _philoxKat = null!;
    private TKernel _roundKeys = null!;
    private TKernel _bijectionProbe = null!;
    private TKernel _permuteCells = null!;
    private TKernel _fillMajority = null!;
    private TKernel _correctMinority = null!;
    private TKernel _chunkSums = null!;
    private TKernel _solve = null!;

    private TBuffer _rowOffsets = null!;
    private TBuffer _neighbors = null!;
    private TBuffer _cells = null!;
    private TBuffer _outcome = null!;
    private TBuffer _chunkStart = null!;
    private TBuffer _stratumFirstChunk = null!;
    private TBuffer _stratumSize = null!;
    private TBuffer _stratumOutcomeSum = null!;
    private TBuffer _keys = null!;
    private TBuffer _words = null!;
    private TBuffer _minorityNodes = null!;
    private TBuffer _minorityFlips = null!;
    private TBuffer _partialInt = null!;
    private TBuffer _partialReal = null!;
    private TBuffer _beta = null!;

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
            lock (_gate) RunBatch(batch, coefficients[..(batch.Count * SpilloverProblem.Regressors)]);
        }
        catch (Exception e) when (e is not BackendFaultException and not ArgumentException)
        {
            throw new BackendFaultException($"{Name} on {Device}: batch {batch.First}+{batch.Count} failed: {e.Message}", e);
        }
    }

    /// <summary>The kernels of one batch (keys, assignment, chunk sums, solve), then count × 4 coefficients back.</summary>
    private void RunBatch(PermutationBatch batch, Span<double> coefficients)
    {
        uint count = (uint)batch.Count;
        DeviceProblem p = DeviceProblem;
        using IDisposable? scope = Enter();
        if (!batch.Observed)
        {
            Launch(_roundKeys, 1, KernelOptions.MaxBatch, [_keys, batch.Seed, (ulong)batch.First, count]);
        }
        if (p.Corrects && !batch.Observed)
        {
            (ulong banner, ulong feed) = p.MajorityWords(batch.Count);
            Launch(_fillMajority, p.NodeGlobalSize / KernelOptions.NodeGroupSize, KernelOptions.NodeGroupSize, [_words, p.NodeCount, banner, feed]);
            if (p.MinorityCount > 0)
            {
                Launch(_correctMinority, p.MinorityGlobalSize / KernelOptions.NodeGroupSize, KernelOptions.NodeGroupSize,
                    [_minorityNodes, _minorityFlips, _keys, _words, p.MinorityCount, p.NodeCount, count, p.LeftBits, p.RightBits]);
            }
        }
        else
        {
            Launch(_permuteCells, p.NodeGlobalSize / KernelOptions.NodeGroupSize, KernelOptions.NodeGroupSize,
                [_cells, _keys, _words, p.NodeCount, count, batch.Observed ? 1u : 0u, p.LeftBits, p.RightBits]);
        }
        Launch(_chunkSums, p.ChunkCount, KernelOptions.MaxBatch,
            [_rowOffsets, _neighbors, _words, _outcome, _chunkStart, count, _partialInt, _partialReal]);
        Launch(_solve, 1, KernelOptions.MaxBatch,
            [_partialInt, _partialReal, _stratumFirstChunk, _stratumSize, _stratumOutcomeSum, p.StratumCount, count, _beta]);
        Read(_beta, coefficients); // blocking: waits for the launches above, and reports their faults
    }

    public uint[] Philox(ReadOnlySpan<uint> vectors, uint rounds)
    {
        int count = vectors.Length / 6;
        using IDisposable? scope = Enter();
        using TBuffer input = Allocate(Math.Max(8, vectors.Length * sizeof(uint)));
        using TBuffer output = Allocate(Math.Max(8, count * 4 * sizeof(uint)));
        Write(input, vectors);
        Launch(_philoxKat, DeviceProblem.RoundUp((ulong)count, KernelOptions.MaxBatch) / KernelOptions.MaxBatch, KernelOptions.MaxBatch,
            [input, output, (uint)count, rounds]);
        var result = new uint[count * 4];
        Read(output, result.AsSpan());
        return result;
    }

    public uint[] RoundKeys(ulong seed, ulong index)
    {
        using IDisposable? scope = Enter();
        using TBuffer keys = Allocate(DeviceProblem.KeyBytes);
        Launch(_roundKeys, 1, KernelOptions.MaxBatch, [keys, seed, index, 1u]);
        var result = new uint[PermutationBijection.Rounds];
        Read(keys, result.AsSpan());
        return result;
    }

    public uint[] Map(ulong seed, ulong index, uint size) => Probe(seed, index, size, inverse: false);

    public uint[] Unmap(ulong seed, ulong index, uint size) => Probe(seed, index, size, inverse: true);

    private uint[] Probe(ulong seed, ulong index, uint size, bool inverse)
    {
        int bits = PermutationBijection.CipherBits(size);
        using IDisposable? scope = Enter();
        using TBuffer keys = Allocate(DeviceProblem.KeyBytes);
        using TBuffer images = Allocate(Math.Max(8, (long)size * sizeof(uint)));
        Launch(_roundKeys, 1, KernelOptions.MaxBatch, [keys, seed, index, 1u]);
        Launch(_bijectionProbe, DeviceProblem.RoundUp(size, KernelOptions.NodeGroupSize) / KernelOptions.NodeGroupSize, KernelOptions.NodeGroupSize,
            [keys, images, size, size, (uint)(bits / 2), (uint)(bits - bits / 2), inverse ? 1u : 0u]);
        var result = new uint[size];
        Read(images, result.AsSpan());
        return result;
    }

    /// <summary>
    /// Called by the API's constructor once its context and program exist: looks up the kernels, refuses a device
    /// that fails the Philox self-test, uploads the problem and allocates the batch buffers.
    /// </summary>
    protected void Start()
    {
        using (Enter())
        {
            _philoxKat = Own(Kernel("philox_kat"));
            _roundKeys = Own(Kernel("round_keys"));
            _bijectionProbe = Own(Kernel("bijection_probe"));
            _permuteCells = Own(Kernel("permute_cells"));
            _fillMajority = Own(Kernel("fill_majority"));
            _correctMinority = Own(Kernel("correct_minority"));
            _chunkSums = Own(Kernel("chunk_sums"));
            _solve = Own(Kernel("solve"));
        }

        PhiloxKnownAnswer.Verify(Philox(PhiloxKnownAnswer.Input, PhiloxKnownAnswer.Rounds), Device);

        using (Enter())
        {
            DeviceProblem layout = DeviceProblem;
            SpilloverProblem problem = layout.Problem;
            _rowOffsets = Upload<long>(problem.RowOffsets, layout.RowOffsetBytes);
            _neighbors = Upload<int>(problem.Neighbors, layout.NeighborBytes);
            _cells = Upload(layout.CellBytes, layout.CellBytesLength);
            _outcome = Upload<double>(problem.Outcome, layout.OutcomeBytes);
            _chunkStart = Upload<int>(problem.ChunkStart, layout.ChunkStartBytes);
            _stratumFirstChunk = Upload<int>(problem.StratumFirstChunk, layout.StratumFirstChunkBytes);
            _stratumSize = Upload<double>(layout.StratumSize, layout.StratumDoubleBytes);
            _stratumOutcomeSum = Upload<double>(problem.StratumOutcomeSum, layout.StratumDoubleBytes);
            _keys = Own(Allocate(DeviceProblem.KeyBytes));
            _words = Own(Allocate(layout.WordBytes));
            CellMinority? minority = layout.Corrects ? problem.Minority : null;
            _minorityNodes = minority is null ? Own(Allocate(layout.MinorityNodeBytes, readOnly: true)) : Upload<uint>(minority.Nodes, layout.MinorityNodeBytes);
            _minorityFlips = minority is null ? Own(Allocate(layout.MinorityFlipBytes, readOnly: true)) : Upload<byte>(minority.Flips, layout.MinorityFlipBytes);
            _partialInt = Own(Allocate(layout.PartialIntBytes));
            _partialReal = Own(Allocate(layout.PartialRealBytes));
            _beta = Own(Allocate(DeviceProblem.BetaBytes));
            Synchronize();
        }
    }

    /// <summary>
    /// For the API's constructor when any step of starting failed: releases what was created and throws
    /// <see cref="BackendUnavailableException"/> (as it came, or wrapping <paramref name="error"/> with <paramref name="where"/>).
    /// </summary>
    [DoesNotReturn]
    protected void StartFailed(Exception error, string where)
    {
        ReleaseDevice();
        if (error is BackendUnavailableException) ExceptionDispatchInfo.Throw(error);
        throw new BackendUnavailableException($"{where}: {error.Message}", error);
    }

    /// <summary>Makes the API's context current for the calls that follow, if it has one; null otherwise.</summary>
    protected virtual IDisposable? Enter() => null;

    /// <summary>Looks up a kernel of the compiled program.</summary>
    protected abstract TKernel Kernel(string name);

    /// <summary>A device buffer of <paramref name="bytes"/> bytes; <paramref name="readOnly"/> when kernels only read it.</summary>
    protected abstract TBuffer Allocate(long bytes, bool readOnly = false);

    /// <summary>Copies host data into a buffer.</summary>
    protected abstract void Write<T>(TBuffer buffer, ReadOnlySpan<T> source) where T : unmanaged;

    /// <summary>Copies a buffer back to the host once every kernel launched before has finished.</summary>
    protected abstract void Read<T>(TBuffer buffer, Span<T> destination) where T : unmanaged;

    /// <summary>Launches <paramref name="groups"/> one-dimensional groups of <paramref name="groupSize"/> work-items.</summary>
    protected abstract void Launch(TKernel kernel, ulong groups, int groupSize, ReadOnlySpan<KernelArgument<TBuffer>> arguments);

    /// <summary>Waits until the device has finished everything queued.</summary>
    protected abstract void Synchronize();

    /// <summary>Frees the API's own objects (context, queue, program or module), calling <see cref="ReleaseResources"/> where it must.</summary>
    protected abstract void ReleaseDevice();

    /// <summary>Disposes the kernels and buffers <see cref="Start"/> created, newest first.</summary>
    protected void ReleaseResources()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }

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

    private T Own<T>(T resource)
    {
        if (resource is IDisposable disposable) _owned.Add(disposable);
        return resource;
    }

    private TBuffer Upload<T>(ReadOnlySpan<T> data, long bytes) where T : unmanaged
    {
        TBuffer buffer = Own(Allocate(bytes, readOnly: true));
        Write(buffer, data);
        return buffer;
    }
}
