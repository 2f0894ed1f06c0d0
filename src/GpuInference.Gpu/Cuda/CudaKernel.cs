using System.Text;
using static GpuInference.Gpu.Cuda.CudaApi;

namespace GpuInference.Gpu.Cuda;

/// <summary>
/// One kernel of a loaded module. Arguments are passed as 64-bit slots: device pointers and u64 fill a slot, a u32
/// occupies the low half (the driver copies as many bytes as the kernel's parameter has; the host is little-endian).
/// </summary>
internal sealed unsafe class CudaKernel
{
    private readonly nint _function;

    public CudaKernel(CudaModuleHandle module, string name)
    {
        Name = name;
        byte[] bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* n = bytes) CudaException.ThrowIfFailed(cuModuleGetFunction(out _function, module, n), $"cuModuleGetFunction({name})");
    }

    public string Name { get; }

    /// <summary>Launches <paramref name="blocks"/> blocks of <paramref name="threads"/> threads on the default stream.</summary>
    public void Launch(ulong blocks, int threads, ReadOnlySpan<ulong> arguments)
    {
        if (blocks == 0) return;
        if (blocks > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "grid too large");
        void** pointers = stackalloc void*[arguments.Length];
        fixed (ulong* slots = arguments)
        {
            for (int i = 0; i < arguments.Length; i++) pointers[i] = slots + i;
            CudaException.ThrowIfFailed(
                cuLaunchKernel(_function, (uint)blocks, 1, 1, (uint)threads, 1, 1, 0, 0, pointers, null), $"cuLaunchKernel({Name})");
        }
    }
}
