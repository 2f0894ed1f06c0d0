using System.Text;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;
using GpuInference.Gpu.Kernels;
using static GpuInference.Gpu.OpenCL.OpenClApi;

namespace GpuInference.Gpu.OpenCL;

/// <summary>
/// The spillover permutation batch on one OpenCL device: the problem is uploaded once, each batch runs four kernels
/// on an in-order queue, and only count × 4 coefficients come back. The batch itself is
/// <see cref="DeviceBackend{TBuffer, TKernel}"/>'s; this class holds the context, queue and program, and the
/// OpenCL calls that allocate, copy and launch.
/// </summary>
internal sealed unsafe class OpenClBackend : DeviceBackend<OpenClMemoryBuffer, OpenClKernel>
{
    private readonly OpenClDevice _device;
    private readonly OpenClContextHandle _context;
    private readonly OpenClQueueHandle _queue;
    private readonly OpenClProgramHandle _program;

    /// <summary>Builds the program, runs the self-test and uploads <paramref name="problem"/>; disposes everything if any step fails.</summary>
    public static OpenClBackend Create(OpenClDevice device, SpilloverProblem problem, BackendOptions options)
    {
        var layout = DeviceProblem.Fit(problem, options.Assignment, device.IsLittleEndian, device.Name, device.GlobalMemory, device.MaxAllocation);
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
            _program = Build(_context, id, device, options.KernelFolder);
            Start();
        }
        catch (Exception e)
        {
            StartFailed(e, $"OpenCL on {device.Describe()}");
        }
    }

    public override string Name => "opencl";

    public override string Device => _device.Describe();

    protected override OpenClKernel Kernel(string name) => new(_program, name);

    protected override OpenClMemoryBuffer Allocate(long bytes, bool readOnly = false) =>
        OpenClMemoryBuffer.Allocate(_context, bytes, readOnly ? MemReadOnly : MemReadWrite);

    protected override void Write<T>(OpenClMemoryBuffer buffer, ReadOnlySpan<T> source) => buffer.Write(_queue, source);

    /// <summary>Blocking: the in-order queue has finished every kernel before the copy.</summary>
    protected override void Read<T>(OpenClMemoryBuffer buffer, Span<T> destination) => buffer.Read(_queue, destination);

    protected override void Launch(OpenClKernel kernel, ulong groups, int groupSize, ReadOnlySpan<KernelArgument<OpenClMemoryBuffer>> arguments)
    {
        for (int i = 0; i < arguments.Length; i++)
        {
            KernelArgument<OpenClMemoryBuffer> argument = arguments[i];
            if (argument.Buffer is not null) kernel.Set((uint)i, argument.Buffer);
            else if (argument.IsWide) kernel.Set((uint)i, argument.Value);
            else kernel.Set((uint)i, (uint)argument.Value);
        }
        kernel.Launch(_queue, groups * (ulong)groupSize, groupSize);
    }

    protected override void Synchronize() => OpenClException.ThrowIfFailed(clFinish(_queue));

    protected override void ReleaseDevice()
    {
        ReleaseResources();
        _program?.Dispose();
        _queue?.Dispose();
        _context?.Dispose();
    }

    private static OpenClProgramHandle Build(OpenClContextHandle context, nint deviceId, OpenClDevice device, string? kernelFolder)
    {
        string source = KernelSource.Load(KernelSource.Spillover, kernelFolder);
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
                $"OpenCL kernel build failed on {device.Describe()} ({OpenClException.Describe(built)}); options: {options}; sources: {KernelSource.Origin(kernelFolder)}\n{log}");
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
