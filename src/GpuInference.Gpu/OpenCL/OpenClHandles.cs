using Microsoft.Win32.SafeHandles;

namespace GpuInference.Gpu.OpenCL;

// One SafeHandle per OpenCL object the backend owns; each releases its object exactly once, even on failure paths.

internal sealed class OpenClContextHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => OpenClApi.clReleaseContext(handle) == 0;
}

internal sealed class OpenClQueueHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => OpenClApi.clReleaseCommandQueue(handle) == 0;
}

internal sealed class OpenClProgramHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => OpenClApi.clReleaseProgram(handle) == 0;
}

internal sealed class OpenClKernelHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => OpenClApi.clReleaseKernel(handle) == 0;
}

internal sealed class OpenClBufferHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => OpenClApi.clReleaseMemObject(handle) == 0;
}
