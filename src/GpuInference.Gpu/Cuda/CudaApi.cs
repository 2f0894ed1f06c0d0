using System.Runtime.InteropServices;
using GpuInference.Gpu.Common;

namespace GpuInference.Gpu.Cuda;

/// <summary>
/// The CUDA driver API entry points the backend uses, bound at run time to libcuda.so.1 / nvcuda.dll through
/// <see cref="NativeLibraries"/>. Versioned exports (<c>_v2</c>) are named explicitly, as cuda.h's macros would.
/// CUdevice is an int; CUdeviceptr is 64 bits (the backend runs in 64-bit processes only); other handles are pointers.
/// </summary>
internal static unsafe partial class CudaApi
{
    private const string Library = NativeLibraries.Cuda;

    // CUresult values the backend treats specially.
    public const int Success = 0;
    public const int ErrorOutOfMemory = 2;
    public const int ErrorNoDevice = 100;

    // CUdevice_attribute
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;

    // CUjit_option
    public const int JitInfoLogBuffer = 3;
    public const int JitInfoLogBufferSizeBytes = 4;
    public const int JitErrorLogBuffer = 5;
    public const int JitErrorLogBufferSizeBytes = 6;

    [LibraryImport(Library)]
    public static partial int cuInit(uint flags);

    [LibraryImport(Library)]
    public static partial int cuDriverGetVersion(out int version);

    [LibraryImport(Library)]
    public static partial int cuGetErrorName(int error, byte** name);

    [LibraryImport(Library)]
    public static partial int cuGetErrorString(int error, byte** text);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetCount(out int count);

    [LibraryImport(Library)]
    public static partial int cuDeviceGet(out int device, int ordinal);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetName(byte* name, int length, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceTotalMem_v2(out nuint bytes, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetAttribute(out int value, int attribute, int device);

    /// <summary>The device's primary context (shared with the CUDA runtime in this process), retained once per call.</summary>
    [LibraryImport(Library)]
    public static partial int cuDevicePrimaryCtxRetain(out nint context, int device);

    [LibraryImport(Library)]
    public static partial int cuDevicePrimaryCtxRelease_v2(int device);

    [LibraryImport(Library)]
    public static partial int cuCtxPushCurrent_v2(nint context);

    [LibraryImport(Library)]
    public static partial int cuCtxPopCurrent_v2(out nint context);

    [LibraryImport(Library)]
    public static partial int cuCtxSynchronize();

    [LibraryImport(Library)]
    public static partial int cuModuleLoadDataEx(out CudaModuleHandle module, byte* image, uint numOptions, int* options, void** optionValues);

    [LibraryImport(Library)]
    public static partial int cuModuleUnload(nint module);

    [LibraryImport(Library)]
    public static partial int cuModuleGetFunction(out nint function, CudaModuleHandle module, byte* name);

    [LibraryImport(Library)]
    public static partial int cuMemAlloc_v2(out CudaDeviceMemoryHandle pointer, nuint bytes);

    [LibraryImport(Library)]
    public static partial int cuMemFree_v2(ulong pointer);

    [LibraryImport(Library)]
    public static partial int cuMemcpyHtoD_v2(ulong destination, void* source, nuint bytes);

    [LibraryImport(Library)]
    public static partial int cuMemcpyDtoH_v2(void* destination, ulong source, nuint bytes);

    [LibraryImport(Library)]
    public static partial int cuLaunchKernel(
        nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedMemoryBytes, nint stream, void** kernelParameters, void** extra);
}
