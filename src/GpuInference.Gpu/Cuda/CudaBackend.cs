using System.Text;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;
using GpuInference.Gpu.Kernels;
using GpuInference.Random;
using static GpuInference.Gpu.Cuda.CudaApi;

namespace GpuInference.Gpu.Cuda;

/// <summary>
/// The spillover permutation batch on one CUDA device: the same kernels as OpenCL (compiled by NVRTC), the problem
/// uploaded once, four launches per batch on the default stream, count × 4 coefficients back. The context is made
/// current around every call, so the backend may be used from any thread (one call at a time).
/// </summary>
internal sealed unsafe class CudaBackend : DeviceBackend, IDeviceKernelProbe
{
    private readonly CudaDevice _device;
    private readonly CudaPrimaryContextHandle _context;
    private readonly CudaModuleHandle _module;
    private readonly List<CudaMemoryBuffer> _buffers = [];
    private readonly string _compiledBy;

    private readonly CudaKernel _philoxKat;
    private readonly CudaKernel _roundKeys;
    private readonly CudaKernel _bijectionProbe;
    private readonly CudaKernel _permuteCells;
    private readonly CudaKernel _chunkSums;
    private readonly CudaKernel _solve;

    private readonly CudaMemoryBuffer _rowOffsets;
    private readonly CudaMemoryBuffer _neighbors;
    private readonly CudaMemoryBuffer _cells;
    private readonly CudaMemoryBuffer _outcome;
    private readonly CudaMemoryBuffer _chunkStart;
    private readonly CudaMemoryBuffer _stratumFirstChunk;
    private readonly CudaMemoryBuffer _stratumSize;
    private readonly CudaMemoryBuffer _stratumOutcomeSum;
    private readonly CudaMemoryBuffer _keys;
    private readonly CudaMemoryBuffer _words;
    private readonly CudaMemoryBuffer _partialInt;
    private readonly CudaMemoryBuffer _partialReal;
    private readonly CudaMemoryBuffer _beta;

    public static CudaBackend Create(CudaDevice device, SpilloverProblem problem, BackendOptions options)
    {
        var layout = new DeviceProblem(problem);
        if (layout.TotalDeviceBytes > device.TotalMemory)
            throw new BackendUnavailableException($"{device.Name}: the problem needs {layout.TotalDeviceBytes >> 20} MiB, the device has {device.TotalMemory >> 20} MiB");
        return new CudaBackend(device, layout, options);
    }

    private CudaBackend(CudaDevice device, DeviceProblem layout, BackendOptions options)
        : base(layout, options)
    {
        _device = device;
        try
        {
            CudaException.ThrowIfFailed(cuDevicePrimaryCtxRetain(out nint context, device.Handle));
            _context = new CudaPrimaryContextHandle(context, device.Handle);
            using (Enter())
            {
                var (major, minor) = CudaCompiler.Architecture(device.Major, device.Minor);
                string ptx = CudaCompiler.Compile(KernelSource.Spillover, major, minor, out string origin);
                _compiledBy = $"compute_{major}{minor} PTX from {origin}";
                _module = Load(ptx);

                _philoxKat = new CudaKernel(_module, "philox_kat");
                _roundKeys = new CudaKernel(_module, "round_keys");
                _bijectionProbe = new CudaKernel(_module, "bijection_probe");
                _permuteCells = new CudaKernel(_module, "permute_cells");
                _chunkSums = new CudaKernel(_module, "chunk_sums");
                _solve = new CudaKernel(_module, "solve");

                SpilloverProblem problem = layout.Problem;
                _rowOffsets = Upload<long>(problem.RowOffsets, layout.RowOffsetBytes);
                _neighbors = Upload<int>(problem.Neighbors, layout.NeighborBytes);
                _cells = Upload(layout.CellBytes, layout.CellBytesLength);
                _outcome = Upload<double>(problem.Outcome, layout.OutcomeBytes);
                _chunkStart = Upload<int>(problem.ChunkStart, layout.ChunkStartBytes);
                _stratumFirstChunk = Upload<int>(problem.StratumFirstChunk, layout.StratumFirstChunkBytes);
                _stratumSize = Upload<double>(layout.StratumSize, layout.StratumDoubleBytes);
                _stratumOutcomeSum = Upload<double>(problem.StratumOutcomeSum, layout.StratumDoubleBytes);
                _keys = Allocate(DeviceProblem.KeyBytes);
                _words = Allocate(layout.WordBytes);
                _partialInt = Allocate(layout.PartialIntBytes);
                _partialReal = Allocate(layout.PartialRealBytes);
                _beta = Allocate(DeviceProblem.BetaBytes);
                CudaException.ThrowIfFailed(cuCtxSynchronize());
            }
            PhiloxKnownAnswer.Verify(Philox(PhiloxKnownAnswer.Input, PhiloxKnownAnswer.Rounds), Device);
        }
        catch (Exception e)
        {
            ReleaseDevice();
            if (e is BackendUnavailableException) throw;
            throw new BackendUnavailableException($"CUDA on {device.Describe()}: {e.Message}", e);
        }
    }

    public override string Name => "cuda";

    public override string Device => $"{_device.Describe()}, {_compiledBy}";

    protected override void FitOnDevice(PermutationBatch batch, Span<double> coefficients)
    {
        ulong count = (ulong)batch.Count;
        using ContextScope scope = Enter();
        if (!batch.Observed)
        {
            _roundKeys.Launch(1, KernelOptions.MaxBatch, [_keys.Address, batch.Seed, (ulong)batch.First, count]);
        }
        _permuteCells.Launch(
            DeviceProblem.NodeGlobalSize / KernelOptions.NodeGroupSize, KernelOptions.NodeGroupSize,
            [_cells.Address, _keys.Address, _words.Address, DeviceProblem.NodeCount, count, batch.Observed ? 1UL : 0UL, DeviceProblem.LeftBits, DeviceProblem.RightBits]);
        _chunkSums.Launch(
            DeviceProblem.ChunkCount, KernelOptions.MaxBatch,
            [_rowOffsets.Address, _neighbors.Address, _words.Address, _outcome.Address, _chunkStart.Address, count, _partialInt.Address, _partialReal.Address]);
        _solve.Launch(
            1, KernelOptions.MaxBatch,
            [_partialInt.Address, _partialReal.Address, _stratumFirstChunk.Address, _stratumSize.Address, _stratumOutcomeSum.Address, DeviceProblem.StratumCount, count, _beta.Address]);
        _beta.Read(coefficients); // synchronous: waits for the launches above, and reports their faults
    }

    public uint[] Philox(ReadOnlySpan<uint> vectors, uint rounds)
    {
        int count = vectors.Length / 6;
        using ContextScope scope = Enter();
        using CudaMemoryBuffer input = CudaMemoryBuffer.Allocate(Math.Max(8, vectors.Length * sizeof(uint)));
        using CudaMemoryBuffer output = CudaMemoryBuffer.Allocate(Math.Max(8, count * 4 * sizeof(uint)));
        input.Write(vectors);
        _philoxKat.Launch(DeviceProblem.RoundUp((ulong)count, KernelOptions.MaxBatch) / KernelOptions.MaxBatch, KernelOptions.MaxBatch,
            [input.Address, output.Address, (ulong)count, rounds]);
        var result = new uint[count * 4];
        output.Read(result.AsSpan());
        return result;
    }

    public uint[] RoundKeys(ulong seed, ulong index)
    {
        using ContextScope scope = Enter();
        using CudaMemoryBuffer keys = CudaMemoryBuffer.Allocate(DeviceProblem.KeyBytes);
        _roundKeys.Launch(1, KernelOptions.MaxBatch, [keys.Address, seed, index, 1]);
        var result = new uint[PermutationBijection.Rounds];
        keys.Read(result.AsSpan());
        return result;
    }

    public uint[] Map(ulong seed, ulong index, uint size)
    {
        int bits = PermutationBijection.CipherBits(size);
        using ContextScope scope = Enter();
        using CudaMemoryBuffer keys = CudaMemoryBuffer.Allocate(DeviceProblem.KeyBytes);
        using CudaMemoryBuffer images = CudaMemoryBuffer.Allocate(Math.Max(8, (long)size * sizeof(uint)));
        _roundKeys.Launch(1, KernelOptions.MaxBatch, [keys.Address, seed, index, 1]);
        _bijectionProbe.Launch(DeviceProblem.RoundUp(size, KernelOptions.NodeGroupSize) / KernelOptions.NodeGroupSize, KernelOptions.NodeGroupSize,
            [keys.Address, images.Address, size, size, (ulong)(bits / 2), (ulong)(bits - bits / 2)]);
        var result = new uint[size];
        images.Read(result.AsSpan());
        return result;
    }

    protected override void ReleaseDevice()
    {
        if (_context is null || _context.IsInvalid) return;
        try
        {
            using (Enter())
            {
                foreach (CudaMemoryBuffer buffer in _buffers) buffer.Dispose();
                _module?.Dispose();
            }
        }
        catch (CudaException)
        {
            // A lost device cannot be cleaned up; releasing the primary context below frees what it can.
        }
        _buffers.Clear();
        _context.Dispose();
    }

    private ContextScope Enter()
    {
        bool added = false;
        _context.DangerousAddRef(ref added);
        try
        {
            CudaException.ThrowIfFailed(cuCtxPushCurrent_v2(_context.DangerousGetHandle()));
        }
        catch
        {
            if (added) _context.DangerousRelease();
            throw;
        }
        return new ContextScope(_context, added);
    }

    /// <summary>Pops the context pushed by <see cref="Enter"/>.</summary>
    private readonly struct ContextScope(CudaPrimaryContextHandle context, bool added) : IDisposable
    {
        public void Dispose()
        {
            cuCtxPopCurrent_v2(out _);
            if (added) context.DangerousRelease();
        }
    }

    private static CudaModuleHandle Load(string ptx)
    {
        byte[] image = Encoding.UTF8.GetBytes(ptx + "\0");
        const int logSize = 16384;
        byte* errorLog = stackalloc byte[logSize];
        errorLog[0] = 0;
        int* options = stackalloc int[] { JitErrorLogBuffer, JitErrorLogBufferSizeBytes };
        void** values = stackalloc void*[] { errorLog, (void*)logSize };
        int status;
        CudaModuleHandle module;
        fixed (byte* i = image) status = cuModuleLoadDataEx(out module, i, 2, options, values);
        if (status != Success)
        {
            module.Dispose();
            string log = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)errorLog) ?? "";
            throw new BackendUnavailableException(
                $"cuModuleLoadDataEx failed with {CudaException.Describe(status)} (a PTX newer than the driver? update the driver or use an older NVRTC)\n{log}");
        }
        return module;
    }

    private CudaMemoryBuffer Allocate(long bytes)
    {
        CudaMemoryBuffer buffer = CudaMemoryBuffer.Allocate(bytes);
        _buffers.Add(buffer);
        return buffer;
    }

    private CudaMemoryBuffer Upload<T>(ReadOnlySpan<T> data, long bytes) where T : unmanaged
    {
        CudaMemoryBuffer buffer = Allocate(bytes);
        buffer.Write(data);
        return buffer;
    }
}
