using GpuInference.Kernels;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuInference.Backends.Devices;

/// <summary>
/// Compiles the kernels for GPU targets on any machine, no GPU needed: PTX for an NVIDIA architecture, OpenCL C for
/// an OpenCL 2.0 device. The tests use it to catch what ILGPU cannot compile for a GPU (the CPU accelerator runs
/// plain .NET and would not notice), and <c>selfcheck --compile</c> uses it to prove that a trimmed, published
/// binary still carries everything ILGPU's code generators read by reflection.
/// </summary>
public sealed class KernelTargets : IDisposable
{
    /// <summary>The architectures checked: Volta, Ampere and Hopper.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["sm_70", "sm_80", "sm_90"];

    private readonly Context _context = Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2));

    /// <summary>PTX of <paramref name="kernel"/> for <paramref name="architecture"/> ("sm_70", "sm_80" or "sm_90").</summary>
    public string Ptx(KernelEntry kernel, string architecture)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        CudaArchitecture arch = architecture switch
        {
            "sm_70" => CudaArchitecture.SM_70,
            "sm_80" => CudaArchitecture.SM_80,
            "sm_90" => CudaArchitecture.SM_90,
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "choose sm_70, sm_80 or sm_90"),
        };
        // ISA 7.8 (CUDA 11.8 drivers and later) covers all three.
        using var backend = new PTXBackend(_context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, nvvmAPI: null);
        return ((PTXCompiledKernel)backend.Compile(Entry(kernel), KernelSpecialization.Empty)).PTXAssembly;
    }

    /// <summary>OpenCL C of <paramref name="kernel"/> for a device with doubles, 64-bit atomics and the generic address space.</summary>
    public string OpenClC(KernelEntry kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var capabilities = new CLCapabilityContext(false, true, true, true, false);
        using var backend = new CLBackend(_context, capabilities, CLDeviceVendor.AMD, CLCVersion.CL20);
        return ((CLCompiledKernel)backend.Compile(Entry(kernel), KernelSpecialization.Empty)).Source;
    }

    /// <summary>Compiles every kernel for every target, writing one line per target; throws on the first failure.</summary>
    public static void CompileAll(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var targets = new KernelTargets();
        foreach (string architecture in Architectures)
        {
            long characters = KernelCatalog.All.Sum(kernel => (long)targets.Ptx(kernel, architecture).Length);
            output.WriteLine($"PTX {architecture}: {KernelCatalog.All.Count} kernels, {characters:N0} characters");
        }
        long source = KernelCatalog.All.Sum(kernel => (long)targets.OpenClC(kernel).Length);
        output.WriteLine($"OpenCL C 2.0: {KernelCatalog.All.Count} kernels, {source:N0} characters");
    }

    private static EntryPointDescription Entry(KernelEntry kernel) => kernel.ExplicitlyGrouped
        ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
        : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);

    public void Dispose() => _context.Dispose();
}
