using System.Runtime.CompilerServices;

namespace GpuInference.Gpu.OpenCL;

/// <summary>An OpenCL call returned an error status; the message names the call as written in the source.</summary>
internal sealed class OpenClException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>Out of device or host memory, or out of resources: the batch may succeed elsewhere.</summary>
    public bool IsOutOfMemory => Status is -4 or -5 or -6 or -61;

    /// <summary>Throws when <paramref name="status"/> is not CL_SUCCESS.</summary>
    public static void ThrowIfFailed(int status, [CallerArgumentExpression(nameof(status))] string? call = null)
    {
        if (status != 0) throw new OpenClException(status, $"{call} failed with {Describe(status)}");
    }

    public static string Describe(int status) => status switch
    {
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -30 => "CL_INVALID_VALUE",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -38 => "CL_INVALID_MEM_OBJECT",
        -43 => "CL_INVALID_BUILD_OPTIONS",
        -44 => "CL_INVALID_PROGRAM",
        -46 => "CL_INVALID_KERNEL_NAME",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -63 => "CL_INVALID_GLOBAL_WORK_SIZE",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR",
        _ => $"OpenCL status {status}",
    };
}
