using System.Runtime.InteropServices;
using GpuInference.Gpu.Common;

namespace GpuInference.Gpu.Cuda;

/// <summary>The NVRTC entry points (CUDA C++ to PTX at run time), bound through <see cref="NativeLibraries"/>.</summary>
internal static unsafe partial class NvrtcApi
{
    private const string Library = NativeLibraries.Nvrtc;

    public const int Success = 0;
    public const int ErrorCompilation = 6;

    [LibraryImport(Library)]
    public static partial int nvrtcVersion(out int major, out int minor);

    [LibraryImport(Library)]
    public static partial byte* nvrtcGetErrorString(int result);

    /// <summary>Since NVRTC 11.2; absent from older libraries.</summary>
    [LibraryImport(Library)]
    public static partial int nvrtcGetNumSupportedArchs(out int count);

    [LibraryImport(Library)]
    public static partial int nvrtcGetSupportedArchs(int* architectures);

    [LibraryImport(Library)]
    public static partial int nvrtcCreateProgram(
        out NvrtcProgramHandle program, byte* source, byte* name, int numHeaders, byte** headers, byte** includeNames);

    [LibraryImport(Library)]
    public static partial int nvrtcDestroyProgram(nint* program);

    [LibraryImport(Library)]
    public static partial int nvrtcCompileProgram(NvrtcProgramHandle program, int numOptions, byte** options);

    [LibraryImport(Library)]
    public static partial int nvrtcGetPTXSize(NvrtcProgramHandle program, out nuint size);

    [LibraryImport(Library)]
    public static partial int nvrtcGetPTX(NvrtcProgramHandle program, byte* ptx);

    [LibraryImport(Library)]
    public static partial int nvrtcGetProgramLogSize(NvrtcProgramHandle program, out nuint size);

    [LibraryImport(Library)]
    public static partial int nvrtcGetProgramLog(NvrtcProgramHandle program, byte* log);
}
