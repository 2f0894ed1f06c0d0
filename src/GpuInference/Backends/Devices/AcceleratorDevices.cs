using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuInference.Backends.Devices;

/// <summary>One device ILGPU found, and why it cannot run the kernels (null when it can).</summary>
internal sealed record FoundDevice(Device Device, string? Unsupported)
{
    public bool IsSupported => Unsupported is null;

    public DeviceInfo Describe(DeviceKind kind) => new(
        kind.Name(), Device.Name, kind == DeviceKind.Cpu ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : Device.MemorySize,
        Device.NumMultiprocessors, kind != DeviceKind.Cpu,
        Unsupported ?? $"max group size {Device.MaxNumThreadsPerGroup}, warp {Device.WarpSize}");
}

/// <summary>
/// Opens an ILGPU context for one kind of accelerator and lists its devices, including those ILGPU cannot use, with
/// the reason. A missing driver is a normal state: the context simply has no device of that kind, and the reason
/// says which library was not found.
/// </summary>
internal static class AcceleratorDevices
{
    /// <summary>
    /// The CPU accelerator: warps of 32 and groups of up to 256 like a GPU (the kernels use groups of 64 and 256),
    /// one simulated multiprocessor per core.
    /// </summary>
    private static CPUDevice CpuDevice => new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: Environment.ProcessorCount);

    /// <summary>A context holding every device of <paramref name="kind"/> (supported or not), with algorithms enabled and full optimisation.</summary>
    public static Context Open(DeviceKind kind) => Context.Create(builder =>
    {
        builder.EnableAlgorithms().Optimize(OptimizationLevel.O2);
        _ = kind switch
        {
            DeviceKind.Cuda => builder.Cuda(_ => true),
            DeviceKind.OpenCL => builder.OpenCL(_ => true),
            _ => builder.CPU(CpuDevice),
        };
    });

    /// <summary>The devices of <paramref name="context"/>, in ILGPU's order (the order --device counts in).</summary>
    public static IReadOnlyList<FoundDevice> List(Context context, DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda => Collect(context.GetCudaDevices(), CudaProblem),
        DeviceKind.OpenCL => Collect(context.GetCLDevices(), OpenClProblem),
        _ => Collect(context.GetCPUDevices(), _ => null),
    };

    private static List<FoundDevice> Collect<TDevice>(Context.DeviceCollection<TDevice> devices, Func<TDevice, string?> problem)
        where TDevice : Device
    {
        var found = new List<FoundDevice>();
        foreach (TDevice device in devices) found.Add(new FoundDevice(device, problem(device)));
        return found;
    }

    /// <summary>Why there is no device of <paramref name="kind"/> at all: which driver library is missing, or none found.</summary>
    public static string NoDeviceReason(DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda when !Loads("libcuda.so.1", "libcuda.so", "nvcuda.dll") => "no CUDA driver (libcuda.so.1 not found)",
        DeviceKind.Cuda => "the CUDA driver reports no device",
        DeviceKind.OpenCL when !Loads("libOpenCL.so.1", "libOpenCL.so", "OpenCL.dll") => "no OpenCL loader (libOpenCL.so.1 not found)",
        DeviceKind.OpenCL => "no OpenCL device found",
        _ => "no CPU device",
    };

    private static string? CudaProblem(CudaDevice device)
    {
        if (!device.Architecture.HasValue) return "its architecture is unknown to this version of ILGPU";
        if (!device.InstructionSet.HasValue || !PTXCodeGenerator.SupportedInstructionSets.Contains(device.InstructionSet.Value))
            return "its driver's PTX instruction set is not supported by this version of ILGPU";
        return null;
    }

    private static string? OpenClProblem(CLDevice device)
    {
        if (device.CLStdVersion < ILGPU.Backends.OpenCL.CLBackend.MinimumVersion)
            return $"OpenCL C {device.CLStdVersion} is older than the {ILGPU.Backends.OpenCL.CLBackend.MinimumVersion} ILGPU needs";
        if (!device.Capabilities.GenericAddressSpace) return "no OpenCL generic address space, which ILGPU's OpenCL backend needs";
        if (!device.Capabilities.Float64) return "no double precision (cl_khr_fp64)";
        return null;
    }

    private static bool Loads(params string[] names)
    {
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }
        return false;
    }
}
