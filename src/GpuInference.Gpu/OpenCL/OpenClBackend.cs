using System.Text;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;
using GpuInference.Gpu.Kernels;
using GpuInference.Random;
using static GpuInference.Gpu.OpenCL.OpenClApi;

namespace GpuInference.Gpu.OpenCL;

/// <summary>
/// The spillover permutation batch on one OpenCL device: the problem is uploaded once, each batch runs four kernels
/// on an in-order queue, and only count × 4 coefficients come back.
/// </summary>
internal sealed unsafe class OpenClBackend : DeviceBackend, IDeviceKernelProbe
{
    private readonly OpenClDevice _device;
    private readonly OpenClContextHandle _context;
    private readonly OpenClQueueHandle _queue;
    private readonly OpenClProgramHandle _program;
    private readonly List<IDisposable> _owned = [];

    private readonly OpenClKernel _philoxKat;
    private readonly OpenClKernel _roundKeys;
    private readonly OpenClKernel _bijectionProbe;
    private readonly OpenClKernel _permuteCells;
    private readonly OpenClKernel _chunkSums;
    private readonly OpenClKernel _solve;

    private readonly OpenClMemoryBuffer _rowOffsets;
    private readonly OpenClMemoryBuffer _neighbors;
    private readonly OpenClMemoryBuffer _cells;
    private readonly OpenClMemoryBuffer _outcome;
    private readonly OpenClMemoryBuffer _chunkStart;
    private readonly OpenClMemoryBuffer _stratumFirstChunk;
    private readonly OpenClMemoryBuffer _stratumSize;
    private readonly OpenClMemoryBuffer _stratumOutcomeSum;
    private readonly OpenClMemoryBuffer _keys;
    private readonly OpenClMemoryBuffer _words;
    private readonly OpenClMemoryBuffer _partialInt;
    private readonly OpenClMemoryBuffer _partialReal;
    private readonly OpenClMemoryBuffer _beta;

    /// <summary>Builds the program, runs the self-test and uploads <paramref name="problem"/>; disposes everything if any step fails.</summary>
    public static OpenClBackend Create(OpenClDevice device, SpilloverProblem problem, BackendOptions options)
    {
        var layout = new DeviceProblem(problem);
        if (layout.TotalDeviceBytes > device.GlobalMemory)
            throw new BackendUnavailableException($"{device.Name}: the problem needs {layout.TotalDeviceBytes >> 20} MiB, the device has {device.GlobalMemory >> 20} MiB");
        if (layout.LargestBufferBytes > device.MaxAllocation)
            throw new BackendUnavailableException($"{device.Name}: a {layout.LargestBufferBytes >> 20} MiB buffer exceeds the device's largest allocation ({device.MaxAllocation >> 20} MiB)");
        if (!device.HasDoubles) throw new BackendUnavailableException($"{device.Name} has no double precision (cl_khr_fp64)");
        return new OpenClBackend(device, layout, options);
    }

    private OpenClBackend(OpenClDevice device, DeviceProblem layout, BackendOptions options)
        : base(layout, options)
    {
        _device = device;
        nint id = device.Id;
        try
        {
            _context = clCreateContext(null, 1, &id, 0, 0, out int status);
            OpenClException.ThrowIfFailed(status, "clCreateContext");
            _queue = clCreateCommandQueue(_context, id, 0, out status);
            OpenClException.ThrowIfFailed(status, "clCreateCommandQueue");
            _program = Build(_context, id, device);

            _philoxKat = Own(new OpenClKernel(_program, "philox_kat"));
            _roundKeys = Own(new OpenClKernel(_program, "round_keys"));
            _bijectionProbe = Own(new OpenClKernel(_program, "bijection_probe"));
            _permuteCells = Own(new OpenClKernel(_program, "permute_cells"));
            _chunkSums = Own(new OpenClKernel(_program, "chunk_sums"));
            _solve = Own(new OpenClKernel(_program, "solve"));

            PhiloxKnownAnswer.Verify(Philox(PhiloxKnownAnswer.Input, PhiloxKnownAnswer.Rounds), Device);

            SpilloverProblem problem = layout.Problem;
            _rowOffsets = Upload<long>(problem.RowOffsets, layout.RowOffsetBytes);
            _neighbors = Upload<int>(problem.Neighbors, layout.NeighborBytes);
            _cells = Upload(layout.CellBytes, layout.CellBytesLength);
            _outcome = Upload<double>(problem.Outcome, layout.OutcomeBytes);
            _chunkStart = Upload<int>(problem.ChunkStart, layout.ChunkStartBytes);
            _stratumFirstChunk = Upload<int>(problem.StratumFirstChunk, layout.StratumFirstChunkBytes);
            _stratumSize = Upload<double>(layout.StratumSize, layout.StratumDoubleBytes);
            _stratumOutcomeSum = Upload<double>(problem.StratumOutcomeSum, layout.StratumDoubleBytes);
            _keys = Own(OpenClMemoryBuffer.Allocate(_context, DeviceProblem.KeyBytes));
            _words = Own(OpenClMemoryBuffer.Allocate(_context, layout.WordBytes));
            _partialInt = Own(OpenClMemoryBuffer.Allocate(_context, layout.PartialIntBytes));
            _partialReal = Own(OpenClMemoryBuffer.Allocate(_context, layout.PartialRealBytes));
            _beta = Own(OpenClMemoryBuffer.Allocate(_context, DeviceProblem.BetaBytes));
            OpenClException.ThrowIfFailed(clFinish(_queue));
        }
        catch (Exception e)
        {
            ReleaseDevice();
            if (e is BackendUnavailableException) throw;
            throw new BackendUnavailableException($"OpenCL on {device.Describe()}: {e.Message}", e);
        }
    }

    public override string Name => "opencl";

    public override string Device => _device.Describe();

    protected override void FitOnDevice(PermutationBatch batch, Span<double> coefficients)
    {
        uint count = (uint)batch.Count;
        if (!batch.Observed)
        {
            _roundKeys.Set(0, _keys).Set(1, batch.Seed).Set(2, (ulong)batch.First).Set(3, count)
                .Launch(_queue, KernelOptions.MaxBatch, KernelOptions.MaxBatch);
        }
        _permuteCells.Set(0, _cells).Set(1, _keys).Set(2, _words).Set(3, DeviceProblem.NodeCount).Set(4, count)
            .Set(5, batch.Observed ? 1u : 0u).Set(6, DeviceProblem.LeftBits).Set(7, DeviceProblem.RightBits)
            .Launch(_queue, DeviceProblem.NodeGlobalSize, KernelOptions.NodeGroupSize);
        _chunkSums.Set(0, _rowOffsets).Set(1, _neighbors).Set(2, _words).Set(3, _outcome).Set(4, _chunkStart).Set(5, count)
            .Set(6, _partialInt).Set(7, _partialReal)
            .Launch(_queue, (ulong)DeviceProblem.ChunkCount * KernelOptions.MaxBatch, KernelOptions.MaxBatch);
        _solve.Set(0, _partialInt).Set(1, _partialReal).Set(2, _stratumFirstChunk).Set(3, _stratumSize).Set(4, _stratumOutcomeSum)
            .Set(5, DeviceProblem.StratumCount).Set(6, count).Set(7, _beta)
            .Launch(_queue, KernelOptions.MaxBatch, KernelOptions.MaxBatch);
        _beta.Read(_queue, coefficients); // blocking: the in-order queue has finished every kernel
    }

    public uint[] Philox(ReadOnlySpan<uint> vectors, uint rounds)
    {
        int count = vectors.Length / 6;
        using var input = OpenClMemoryBuffer.Allocate(_context, Math.Max(8, vectors.Length * sizeof(uint)));
        using var output = OpenClMemoryBuffer.Allocate(_context, Math.Max(8, count * 4 * sizeof(uint)));
        input.Write(_queue, vectors);
        _philoxKat.Set(0, input).Set(1, output).Set(2, (uint)count).Set(3, rounds)
            .Launch(_queue, DeviceProblem.RoundUp((ulong)count, KernelOptions.MaxBatch), KernelOptions.MaxBatch);
        var result = new uint[count * 4];
        output.Read(_queue, result.AsSpan());
        return result;
    }

    public uint[] RoundKeys(ulong seed, ulong index)
    {
        using var keys = OpenClMemoryBuffer.Allocate(_context, DeviceProblem.KeyBytes);
        _roundKeys.Set(0, keys).Set(1, seed).Set(2, index).Set(3, 1u).Launch(_queue, KernelOptions.MaxBatch, KernelOptions.MaxBatch);
        var result = new uint[PermutationBijection.Rounds];
        keys.Read(_queue, result.AsSpan());
        return result;
    }

    public uint[] Map(ulong seed, ulong index, uint size)
    {
        int bits = PermutationBijection.CipherBits(size);
        using var keys = OpenClMemoryBuffer.Allocate(_context, DeviceProblem.KeyBytes);
        using var images = OpenClMemoryBuffer.Allocate(_context, Math.Max(8, (long)size * sizeof(uint)));
        _roundKeys.Set(0, keys).Set(1, seed).Set(2, index).Set(3, 1u).Launch(_queue, KernelOptions.MaxBatch, KernelOptions.MaxBatch);
        _bijectionProbe.Set(0, keys).Set(1, images).Set(2, size).Set(3, size).Set(4, (uint)(bits / 2)).Set(5, (uint)(bits - bits / 2))
            .Launch(_queue, DeviceProblem.RoundUp(size, KernelOptions.NodeGroupSize), KernelOptions.NodeGroupSize);
        var result = new uint[size];
        images.Read(_queue, result.AsSpan());
        return result;
    }

    protected override void ReleaseDevice()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
        _program?.Dispose();
        _queue?.Dispose();
        _context?.Dispose();
    }

    private T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    private OpenClMemoryBuffer Upload<T>(ReadOnlySpan<T> data, long bytes) where T : unmanaged
    {
        OpenClMemoryBuffer buffer = Own(OpenClMemoryBuffer.Allocate(_context, bytes, MemReadOnly));
        buffer.Write(_queue, data);
        return buffer;
    }

    private static OpenClProgramHandle Build(OpenClContextHandle context, nint deviceId, OpenClDevice device)
    {
        string source = KernelSource.Load(KernelSource.Spillover);
        string options = KernelOptions.OpenCl();
        byte[] sourceBytes = Encoding.UTF8.GetBytes(source);
        byte[] optionBytes = Encoding.ASCII.GetBytes(options + "\0");
        OpenClProgramHandle program;
        fixed (byte* s = sourceBytes)
        {
            byte* strings = s;
            nuint length = (nuint)sourceBytes.Length;
            program = clCreateProgramWithSource(context, 1, &strings, &length, out int status);
            if (status != 0) program.Dispose();
            OpenClException.ThrowIfFailed(status, "clCreateProgramWithSource");
        }
        int built;
        fixed (byte* o = optionBytes) built = clBuildProgram(program, 1, &deviceId, o, 0, 0);
        if (built != 0)
        {
            string log = BuildLog(program, deviceId);
            program.Dispose();
            throw new BackendUnavailableException(
                $"OpenCL kernel build failed on {device.Describe()} ({OpenClException.Describe(built)}); options: {options}; sources: {KernelSource.Origin}\n{log}");
        }
        return program;
    }

    private static string BuildLog(OpenClProgramHandle program, nint deviceId)
    {
        nuint size = 0;
        if (clGetProgramBuildInfo(program, deviceId, ProgramBuildLog, 0, null, &size) != 0 || size == 0) return "(no build log)";
        var buffer = new byte[(int)size];
        fixed (byte* b = buffer)
        {
            if (clGetProgramBuildInfo(program, deviceId, ProgramBuildLog, size, b, null) != 0) return "(no build log)";
        }
        return Encoding.UTF8.GetString(buffer).TrimEnd('\0');
    }
}
