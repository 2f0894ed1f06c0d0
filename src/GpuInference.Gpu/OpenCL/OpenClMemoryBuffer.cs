using static GpuInference.Gpu.OpenCL.OpenClApi;

namespace GpuInference.Gpu.OpenCL;

/// <summary>A device buffer of a fixed size in bytes, with blocking copies to and from host spans.</summary>
internal sealed unsafe class OpenClMemoryBuffer : IDisposable
{
    private OpenClMemoryBuffer(OpenClBufferHandle handle, long bytes)
    {
        Handle = handle;
        Bytes = bytes;
    }

    public OpenClBufferHandle Handle { get; }

    public long Bytes { get; }

    public static OpenClMemoryBuffer Allocate(OpenClContextHandle context, long bytes, ulong flags = MemReadWrite)
    {
        OpenClBufferHandle handle = clCreateBuffer(context, flags, (nuint)bytes, null, out int status);
        if (status != 0) handle.Dispose();
        OpenClException.ThrowIfFailed(status, $"clCreateBuffer({bytes} bytes)");
        return new OpenClMemoryBuffer(handle, bytes);
    }

    public void Write<T>(OpenClQueueHandle queue, ReadOnlySpan<T> source) where T : unmanaged
    {
        long bytes = (long)source.Length * sizeof(T);
        if (bytes > Bytes) throw new ArgumentException($"{bytes} bytes do not fit a buffer of {Bytes}.", nameof(source));
        if (bytes == 0) return;
        fixed (T* s = source) OpenClException.ThrowIfFailed(clEnqueueWriteBuffer(queue, Handle, 1, 0, (nuint)bytes, s, 0, null, null));
    }

    public void Read<T>(OpenClQueueHandle queue, Span<T> destination) where T : unmanaged
    {
        long bytes = (long)destination.Length * sizeof(T);
        if (bytes > Bytes) throw new ArgumentException($"{bytes} bytes exceed a buffer of {Bytes}.", nameof(destination));
        if (bytes == 0) return;
        fixed (T* d = destination) OpenClException.ThrowIfFailed(clEnqueueReadBuffer(queue, Handle, 1, 0, (nuint)bytes, d, 0, null, null));
    }

    public void Dispose() => Handle.Dispose();
}
