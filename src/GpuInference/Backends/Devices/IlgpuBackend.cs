using GpuInference.Design;
using GpuInference.Kernels;
using GpuInference.Kernels.Random;
using GpuInference.Random;
using ILGPU;
using ILGPU.Runtime;

namespace GpuInference.Backends.Devices;

/// <summary>
/// The device backend: the batch pipeline of <see cref="SpilloverKernels"/> on one ILGPU accelerator (CUDA, OpenCL or
/// ILGPU's CPU accelerator). Per batch: round keys → permuted assignment (gather, or majority fill and minority
/// correction) → chunk sums → stratum sums, then the stratum sums come back and <see cref="StratumMoments.Solve"/>
/// turns them into coefficients on the host, by the same code as the CPU backend.
/// </summary>
internal sealed class IlgpuBackend : IPermutationBackend, IDeviceKernelProbe
{
    /// <summary>XORed into every product's bits in the chunk sums (see RoundedProduct in the kernels): always 0.</summary>
    private const ulong OpaqueZero = 0;

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly SpilloverKernels _kernels;
    private readonly DeviceProblem _layout;
    private readonly ProblemBuffers _buffers;
    private readonly StratumMoments _strata;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="context"/>; starts on <paramref name="device"/> or throws <see cref="BackendUnavailableException"/>.</summary>
    public IlgpuBackend(DeviceKind kind, Context context, Device device, SpilloverProblem problem, BackendOptions options, AssignmentMethod method)
    {
        Name = kind.Name();
        // The CPU accelerator reports no memory limit of its own (long.MaxValue); its simulated multiprocessors say more.
        Device = kind == DeviceKind.Cpu
            ? $"{device.Name} ({device.NumMultiprocessors} simulated multiprocessors)"
            : $"{device.Name} ({device.AcceleratorType}, {device.MemorySize >> 20} MiB)";
        _context = context;
        MaxBatchSize = options.BatchSize is > 0 and < KernelLimits.MaxBatch ? options.BatchSize : KernelLimits.MaxBatch;
        try
        {
            _layout = DeviceProblem.Fit(problem, method, BitConverter.IsLittleEndian, Device, device.MemorySize);
            _accelerator = device.CreateAccelerator(context);
            _kernels = new SpilloverKernels(_accelerator);
            PhiloxKnownAnswer.Verify(Philox(PhiloxKnownAnswer.Input, PhiloxKnownAnswer.Rounds), Device);
            _buffers = new ProblemBuffers(_accelerator, _layout);
            _strata = new StratumMoments(problem.StratumCount, KernelLimits.MaxBatch);
            _accelerator.Synchronize();
        }
        catch (Exception e)
        {
            _buffers?.Dispose();
            _accelerator?.Dispose();
            context.Dispose();
            if (e is BackendUnavailableException) throw;
            throw new BackendUnavailableException($"{Name} on {Device} could not start: {e.Message}", e);
        }
    }

    public string Name { get; }

    public string Device { get; }

    public int MaxBatchSize { get; }

    private SpilloverProblem Problem => _layout.Problem;

    public void Fit(PermutationBatch batch, Span<double> coefficients)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.Count, 1, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch.Count, MaxBatchSize, nameof(batch));
        if (batch.Observed && batch.Count != 1) throw new ArgumentException("the observed assignment is a batch of one.", nameof(batch));
        if (!batch.Observed && batch.First < 0) throw new ArgumentOutOfRangeException(nameof(batch), "permutation indices start at 0.");
        int k = SpilloverProblem.Regressors;
        if (coefficients.Length < batch.Count * k) throw new ArgumentException($"room for {batch.Count * k} coefficients is needed.", nameof(coefficients));

        try
        {
            // One set of device buffers per backend: batches run one at a time.
            lock (_gate)
            {
                RunBatch(batch);
                for (int p = 0; p < batch.Count; p++) _strata.Solve(Problem, p, coefficients.Slice(p * k, k));
            }
        }
        catch (Exception e) when (e is not BackendFaultException and not ArgumentException)
        {
            throw new BackendFaultException($"{Name} on {Device}: batch {batch.First}+{batch.Count} failed: {e.Message}", e);
        }
    }

    /// <summary>The kernels of one batch, in order on the default stream, then the stratum sums back into <see cref="_strata"/>.</summary>
    private void RunBatch(PermutationBatch batch)
    {
        ProblemBuffers b = _buffers;
        int count = batch.Count;
        int nodes = Problem.NodeCount;
        var nodeGroups = new KernelConfig(DeviceProblem.Groups(nodes, KernelLimits.NodeGroupSize), KernelLimits.NodeGroupSize);
        if (batch.Observed)
        {
            _kernels.Gather(nodeGroups, b.Cells, b.Keys, b.Words, _layout.Shape, 1, 1);
        }
        else
        {
            _kernels.RoundKeys(count, b.Keys, batch.Seed, (ulong)batch.First);
            if (_layout.Corrects)
            {
                (ulong banner, ulong feed) = _layout.MajorityWords(count);
                _kernels.FillMajority(nodes, b.Words, banner, feed);
                if (_layout.MinorityCount > 0)
                {
                    var minorityGroups = new KernelConfig(DeviceProblem.Groups(_layout.MinorityCount, KernelLimits.NodeGroupSize), KernelLimits.NodeGroupSize);
                    _kernels.CorrectMinority(minorityGroups, b.MinorityNodes, b.MinorityFlips, b.Keys, b.Words.Cast<uint>(), _layout.Shape, count);
                }
            }
            else
            {
                _kernels.Gather(nodeGroups, b.Cells, b.Keys, b.Words, _layout.Shape, count, 0);
            }
        }
        _kernels.ChunkSums(new KernelConfig(Problem.ChunkCount, KernelLimits.MaxBatch),
            b.RowOffsets, b.Neighbors, b.Words, b.Outcome, b.ChunkStart, count, OpaqueZero, b.PartialInt, b.PartialReal);
        _kernels.StratumSums(Problem.StratumCount * (KernelLimits.IntegerSlots + KernelLimits.RealSlots) * KernelLimits.MaxBatch, b.PartialInt, b.PartialReal, b.StratumFirstChunk, count, b.StratumInt, b.StratumReal);
        b.StratumInt.CopyToCPU(_strata.Integers);
        b.StratumReal.CopyToCPU(_strata.Reals);
    }

    public uint[] Philox(ReadOnlySpan<uint> vectors, uint rounds)
    {
        int count = vectors.Length / 6;
        using MemoryBuffer1D<uint, Stride1D.Dense> input = _accelerator.Allocate1D(vectors.ToArray());
        using MemoryBuffer1D<uint, Stride1D.Dense> output = _accelerator.Allocate1D<uint>(count * 4);
        lock (_gate) _kernels.Philox(count, input.View, output.View, (int)rounds);
        return output.GetAsArray1D();
    }

    public uint[] RoundKeys(ulong seed, ulong index)
    {
        using MemoryBuffer1D<uint, Stride1D.Dense> keys = _accelerator.Allocate1D<uint>(PermutationBijection.Rounds);
        lock (_gate) _kernels.RoundKeys(1, keys.View, seed, index);
        return keys.GetAsArray1D();
    }

    public uint[] Map(ulong seed, ulong index, uint size) => Probe(seed, index, size, inverse: false);

    public uint[] Unmap(ulong seed, ulong index, uint size) => Probe(seed, index, size, inverse: true);

    private uint[] Probe(ulong seed, ulong index, uint size, bool inverse)
    {
        using MemoryBuffer1D<uint, Stride1D.Dense> keys = _accelerator.Allocate1D<uint>(PermutationBijection.Rounds);
        using MemoryBuffer1D<uint, Stride1D.Dense> images = _accelerator.Allocate1D<uint>(size);
        lock (_gate)
        {
            _kernels.RoundKeys(1, keys.View, seed, index);
            _kernels.Bijection((int)size, keys.View, images.View, new BijectionShape(size), inverse ? 1 : 0);
        }
        return images.GetAsArray1D();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _buffers.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }
}
