using System.Runtime.InteropServices;
using GpuInference.Gpu.Common;

namespace GpuInference.Gpu.OpenCL;

/// <summary>
/// The OpenCL 1.2 entry points the backend uses, bound at run time to the ICD loader (libOpenCL.so.1 / OpenCL.dll)
/// through <see cref="NativeLibraries"/>. Status codes are checked by <see cref="OpenClException.ThrowIfFailed"/>.
/// </summary>
internal static unsafe partial class OpenClApi
{
    private const string Library = NativeLibraries.OpenCl;

    // cl_device_type
    public const ulong DeviceTypeCpu = 1 << 1;
    public const ulong DeviceTypeGpu = 1 << 2;
    public const ulong DeviceTypeAccelerator = 1 << 3;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;

    // cl_platform_info
    public const uint PlatformVersion = 0x0901;
    public const uint PlatformName = 0x0902;
    public const uint PlatformVendor = 0x0903;

    // cl_device_info
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceMaxMemAllocSize = 0x1010;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DriverVersion = 0x102D;
    public const uint DeviceVersion = 0x102F;
    public const uint DeviceExtensions = 0x1030;
    public const uint DeviceDoubleFpConfig = 0x1032;
    public const uint DeviceEndianLittle = 0x1026;

    // cl_program_build_info
    public const uint ProgramBuildLog = 0x1183;

    // cl_mem_flags
    public const ulong MemReadWrite = 1 << 0;
    public const ulong MemWriteOnly = 1 << 1;
    public const ulong MemReadOnly = 1 << 2;

    [LibraryImport(Library)]
    public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);

    [LibraryImport(Library)]
    public static partial int clGetPlatformInfo(nint platform, uint paramName, nuint valueSize, void* value, nuint* valueSizeReturned);

    [LibraryImport(Library)]
    public static partial int clGetDeviceIDs(nint platform, ulong deviceType, uint numEntries, nint* devices, uint* numDevices);

    [LibraryImport(Library)]
    public static partial int clGetDeviceInfo(nint device, uint paramName, nuint valueSize, void* value, nuint* valueSizeReturned);

    [LibraryImport(Library)]
    public static partial OpenClContextHandle clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, out int status);

    [LibraryImport(Library)]
    public static partial int clReleaseContext(nint context);

    [LibraryImport(Library)]
    public static partial OpenClQueueHandle clCreateCommandQueue(OpenClContextHandle context, nint device, ulong properties, out int status);

    [LibraryImport(Library)]
    public static partial int clReleaseCommandQueue(nint queue);

    [LibraryImport(Library)]
    public static partial OpenClProgramHandle clCreateProgramWithSource(OpenClContextHandle context, uint count, byte** strings, nuint* lengths, out int status);

    [LibraryImport(Library)]
    public static partial int clBuildProgram(OpenClProgramHandle program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);

    [LibraryImport(Library)]
    public static partial int clGetProgramBuildInfo(OpenClProgramHandle program, nint device, uint paramName, nuint valueSize, void* value, nuint* valueSizeReturned);

    [LibraryImport(Library)]
    public static partial int clReleaseProgram(nint program);

    [LibraryImport(Library)]
    public static partial OpenClKernelHandle clCreateKernel(OpenClProgramHandle program, byte* kernelName, out int status);

    [LibraryImport(Library)]
    public static partial int clReleaseKernel(nint kernel);

    [LibraryImport(Library)]
    public static partial int clSetKernelArg(OpenClKernelHandle kernel, uint index, nuint size, void* value);

    [LibraryImport(Library)]
    public static partial OpenClBufferHandle clCreateBuffer(OpenClContextHandle context, ulong flags, nuint size, void* hostPointer, out int status);

    [LibraryImport(Library)]
    public static partial int clReleaseMemObject(nint buffer);

    [LibraryImport(Library)]
    public static partial int clEnqueueWriteBuffer(
        OpenClQueueHandle queue, OpenClBufferHandle buffer, uint blocking, nuint offset, nuint size, void* source,
        uint numEvents, nint* waitList, nint* completion);

    [LibraryImport(Library)]
    public static partial int clEnqueueReadBuffer(
        OpenClQueueHandle queue, OpenClBufferHandle buffer, uint blocking, nuint offset, nuint size, void* destination,
        uint numEvents, nint* waitList, nint* completion);

    [LibraryImport(Library)]
    public static partial int clEnqueueNDRangeKernel(
        OpenClQueueHandle queue, OpenClKernelHandle kernel, uint workDimensions, nuint* globalOffset, nuint* globalSize,
        nuint* localSize, uint numEvents, nint* waitList, nint* completion);

    [LibraryImport(Library)]
    public static partial int clFinish(OpenClQueueHandle queue);
}
