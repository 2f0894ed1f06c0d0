namespace GpuInference.Backends.Devices;

/// <summary>The ILGPU accelerators the program runs its kernels on.</summary>
public enum DeviceKind
{
    /// <summary>ILGPU's CUDA accelerator: NVIDIA GPUs, through the driver alone (ILGPU writes the PTX itself).</summary>
    Cuda,

    /// <summary>ILGPU's OpenCL accelerator: OpenCL 2.0 devices with the generic address space (AMD and Intel GPUs).</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator: the kernels as .NET code, for tests and the self-check; never chosen by auto.</summary>
    Cpu,
}

/// <summary>Backend names as the command line spells them.</summary>
public static class DeviceKindNames
{
    public static string Name(this DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        _ => "ilgpu-cpu",
    };
}
