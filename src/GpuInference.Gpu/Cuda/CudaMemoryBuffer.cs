using static GpuInference.Gpu.Cuda.CudaApi;

namespace GpuInference.Gpu.Cuda;

/// <summary>Device memory of a fixed size in bytes, with synchronous copies to and from host spans (the context must be current).</summary>
internal sealed unsafe class CudaMemoryBuffer : IDisposable
{
    private CudaMemoryBuffer(CudaDeviceMemoryHandle handle, long bytes)
    {
        Handle = handle;
        Bytes = bytes;
    }

    public CudaDeviceMemoryHandle Handle { get; }

    public ulong Address => Handle.Address;

    public long Bytes { get; }

    public static CudaMemoryBuffer Allocate(long bytes)
    {
        int status = cuMemAlloc_v2(out CudaDeviceMemoryHandle handle, (nuint)bytes);
        if (status != Success) handle.Dispose();
        CudaException.ThrowIfFailed(status, $"cuMemAlloc_v2({bytes} bytes)");
        return new CudaMemoryBuffer(handle, bytes);
    }

    public void Write<T>(ReadOnlySpan<T> source) where T : unmanaged
    {
        long bytes = (long)source.Length * sizeof(T);
        if (bytes > Bytes) throw new ArgumentException($"{bytes} bytes do not fit a buffer of {Bytes}.", nameof(source));
        if (bytes == 0) return;
        fixed (T* s = source) CudaException.ThrowIfFailed(cuMemcpyHtoD_v2(Address, s, (nuint)bytes));
    }

    /// <summary>Synchronous on the legacy default stream: waits for every kernel launched before it.</summary>
    public void Read<T>(Span<T> destination) where T : unmanaged
    {
        long bytes = (long)destination.Length * sizeof(T);
        if (bytes > Bytes) throw new ArgumentException($"{bytes} bytes exceed a buffer of {Bytes}.", nameof(destination));
        if (bytes == 0) return;
        fixed (T* d = destination) CudaException.ThrowIfFailed(cuMemcpyDtoH_v2(d, Address, (nuint)bytes));
    }

    public void Dispose() => Handle.Dispose();
}
