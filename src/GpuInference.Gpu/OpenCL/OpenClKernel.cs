using System.Text;
using static GpuInference.Gpu.OpenCL.OpenClApi;

namespace GpuInference.Gpu.OpenCL;

/// <summary>One kernel of a built program: typed argument setters and a one-dimensional launch.</summary>
internal sealed unsafe class OpenClKernel : IDisposable
{
    private readonly OpenClKernelHandle _handle;

    public OpenClKernel(OpenClProgramHandle program, string name)
    {
        Name = name;
        byte[] bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* n = bytes)
        {
            _handle = clCreateKernel(program, n, out int status);
            if (status != 0) _handle.Dispose();
            OpenClException.ThrowIfFailed(status, $"clCreateKernel({name})");
        }
    }

    public string Name { get; }

    public OpenClKernel Set<T>(uint index, T value) where T : unmanaged
    {
        OpenClException.ThrowIfFailed(clSetKernelArg(_handle, index, (nuint)sizeof(T), &value), $"clSetKernelArg({Name}, {index})");
        return this;
    }

    public OpenClKernel Set(uint index, OpenClMemoryBuffer buffer)
    {
        bool added = false;
        buffer.Handle.DangerousAddRef(ref added);
        try
        {
            nint memory = buffer.Handle.DangerousGetHandle();
            OpenClException.ThrowIfFailed(clSetKernelArg(_handle, index, (nuint)sizeof(nint), &memory), $"clSetKernelArg({Name}, {index})");
        }
        finally
        {
            if (added) buffer.Handle.DangerousRelease();
        }
        return this;
    }

    /// <summary>Enqueues <paramref name="globalSize"/> work-items in groups of <paramref name="localSize"/> (a multiple of it).</summary>
    public void Launch(OpenClQueueHandle queue, ulong globalSize, int localSize)
    {
        nuint global = (nuint)globalSize;
        nuint local = (nuint)localSize;
        OpenClException.ThrowIfFailed(clEnqueueNDRangeKernel(queue, _handle, 1, null, &global, &local, 0, null, null), $"clEnqueueNDRangeKernel({Name})");
    }

    public void Dispose() => _handle.Dispose();
}
