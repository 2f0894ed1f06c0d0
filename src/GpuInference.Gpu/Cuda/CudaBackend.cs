using System.Text;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Common;
using GpuInference.Gpu.Kernels;
using static GpuInference.Gpu.Cuda.CudaApi;

namespace GpuInference.Gpu.Cuda;

/// <summary>
/// The spillover permutation batch on one CUDA device: the same kernels as OpenCL (compiled by NVRTC), the problem
/// uploaded once, four launches per batch on the default stream, count × 4 coefficients back. The batch itself is
/// <see cref="DeviceBackend{TBuffer, TKernel}"/>'s; this class holds the primary context and module, and the driver
/// calls that allocate, copy and launch. The context is made current around every call, so the backend may be used
/// from any thread (one call at a time).
/// </summary>
internal sealed unsafe class CudaBackend : DeviceBackend<CudaMemoryBuffer, CudaKernel>
{
    private readonly CudaDevice _device;
    private readonly CudaPrimaryContextHandle _context;
    private readonly CudaModuleHandle _module;
    private readonly string _compiledBy;

    public static CudaBackend Create(CudaDevice device, SpilloverProblem problem, BackendOptions options) =>
        new(device, DeviceProblem.Fit(problem, options.Assignment, littleEndian: true, device.Name, device.TotalMemory), options);

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
                string ptx = CudaCompiler.Compile(KernelSource.Spillover, major, minor, options.KernelFolder, out string origin);
                _compiledBy = $"compute_{major}{minor} PTX from {origin}";
                _module = Load(ptx);
            }
            Start();
        }
        catch (Exception e)
        {
            StartFailed(e, $"CUDA on {device.Describe()}");
        }
    }

    public override string Name => "cuda";

    public override string Device => $"{_device.Describe()}, {_compiledBy}";

    protected override CudaKernel Kernel(string name) => new(_module, name);

    protected override CudaMemoryBuffer Allocate(long bytes, bool readOnly = false) => CudaMemoryBuffer.Allocate(bytes);

    protected override void Write<T>(CudaMemoryBuffer buffer, ReadOnlySpan<T> source) => buffer.Write(source);

    /// <summary>Synchronous on the default stream: waits for the launches before it, and reports their faults.</summary>
    protected override void Read<T>(CudaMemoryBuffer buffer, Span<T> destination) => buffer.Read(destination);

    protected override void Launch(CudaKernel kernel, ulong groups, int groupSize, ReadOnlySpan<KernelArgument<CudaMemoryBuffer>> arguments)
    {
        // Every argument travels in a 64-bit slot: a device address, a u64, or a u32 in the low half.
        Span<ulong> slots = stackalloc ulong[arguments.Length];
        for (int i = 0; i < arguments.Length; i++) slots[i] = arguments[i].Buffer?.Address ?? arguments[i].Value;
        kernel.Launch(groups, groupSize, slots);
    }

    protected override void Synchronize() => CudaException.ThrowIfFailed(cuCtxSynchronize());

    protected override void ReleaseDevice()
    {
        if (_context is null || _context.IsInvalid) return;
        try
        {
            using (Enter())
            {
                ReleaseResources();
                _module?.Dispose();
            }
        }
        catch (CudaException)
        {
            // A lost device cannot be cleaned up; releasing the primary context below frees what it can.
        }
        _context.Dispose();
    }

    protected override IDisposable Enter()
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
    private sealed class ContextScope(CudaPrimaryContextHandle context, bool added) : IDisposable
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
}
