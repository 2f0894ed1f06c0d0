using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuInference.Gpu.Cuda;

/// <summary>A CUDA driver call failed; the message names the call as written in the source and the driver's error.</summary>
internal sealed class CudaException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public bool IsOutOfMemory => Status == CudaApi.ErrorOutOfMemory;

    public static void ThrowIfFailed(int status, [CallerArgumentExpression(nameof(status))] string? call = null)
    {
        if (status != CudaApi.Success) throw new CudaException(status, $"{call} failed with {Describe(status)}");
    }

    /// <summary>"CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", from the driver when it can say.</summary>
    public static unsafe string Describe(int status)
    {
        try
        {
            byte* name = null;
            byte* text = null;
            if (CudaApi.cuGetErrorName(status, &name) == CudaApi.Success && name != null)
            {
                CudaApi.cuGetErrorString(status, &text);
                string? description = text != null ? Marshal.PtrToStringUTF8((nint)text) : null;
                return $"{Marshal.PtrToStringUTF8((nint)name)} ({status}){(description is null ? "" : ": " + description)}";
            }
        }
        catch (EntryPointNotFoundException)
        {
        }
        return $"CUresult {status}";
    }
}

/// <summary>NVRTC failed; a compile error carries the options, the compiler log and the line-numbered source (as CuPy does).</summary>
internal sealed class NvrtcException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static unsafe void ThrowIfFailed(int status, [CallerArgumentExpression(nameof(status))] string? call = null)
    {
        if (status == NvrtcApi.Success) return;
        string? text = null;
        try
        {
            text = Marshal.PtrToStringUTF8((nint)NvrtcApi.nvrtcGetErrorString(status));
        }
        catch (EntryPointNotFoundException)
        {
        }
        throw new NvrtcException(status, $"{call} failed with {text ?? "nvrtcResult " + status} ({status})");
    }
}
