using Microsoft.Win32.SafeHandles;

namespace GpuInference.Gpu.Cuda;

// SafeHandles for what the CUDA backend owns. Module and memory release need the owning context current on the
// releasing thread: the backend disposes them explicitly inside CudaContext.Enter(); a finalizer that runs
// elsewhere fails harmlessly, and releasing the primary context frees whatever is left.

internal sealed class CudaModuleHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => CudaApi.cuModuleUnload(handle) == CudaApi.Success;
}

internal sealed class CudaDeviceMemoryHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    /// <summary>The CUdeviceptr.</summary>
    public ulong Address => (ulong)handle;

    protected override bool ReleaseHandle() => CudaApi.cuMemFree_v2((ulong)handle) == CudaApi.Success;
}

internal sealed unsafe class NvrtcProgramHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        nint program = handle;
        return NvrtcApi.nvrtcDestroyProgram(&program) == NvrtcApi.Success;
    }
}

/// <summary>A retained primary context of one device; releasing it drops this process's reference.</summary>
internal sealed class CudaPrimaryContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CudaPrimaryContextHandle(nint context, int device)
        : base(ownsHandle: true)
    {
        SetHandle(context);
        Device = device;
    }

    public int Device { get; }

    protected override bool ReleaseHandle() => CudaApi.cuDevicePrimaryCtxRelease_v2(Device) == CudaApi.Success;
}
