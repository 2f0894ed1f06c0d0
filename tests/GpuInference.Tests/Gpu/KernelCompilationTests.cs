using System.Text.RegularExpressions;
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
using Xunit.Abstractions;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// Every kernel compiled for real GPUs without one: to PTX for three NVIDIA architectures and to OpenCL C. ILGPU's
/// CPU accelerator runs kernels as plain .NET, so it would not catch a construct a GPU backend cannot compile; this
/// does. The PTX is also read for what would break bit-for-bit agreement: a double product that an assembler could
/// fuse into the following addition.
/// </summary>
public sealed class KernelCompilationTests(ITestOutputHelper output) : IDisposable
{
    private readonly Context _context = Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2));

    public static TheoryData<string> Architectures => ["SM_70", "SM_80", "SM_90"];

    public static TheoryData<string> Kernels => [.. KernelCatalog.All.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryKernelCompilesToPtx(string architecture)
    {
        using PTXBackend backend = Ptx(architecture);
        foreach (KernelEntry kernel in KernelCatalog.All)
        {
            var compiled = (PTXCompiledKernel)backend.Compile(Entry(kernel), KernelSpecialization.Empty);
            Assert.Contains(".entry ", compiled.PTXAssembly, StringComparison.Ordinal);
            output.WriteLine($"{architecture} {kernel.Name}: {compiled.PTXAssembly.Length:N0} characters of PTX");
        }
    }

    [Fact]
    public void EveryKernelCompilesToOpenClC()
    {
        // An OpenCL 2.0 device with doubles, 64-bit atomics and the generic address space (what ILGPU requires).
        var capabilities = new CLCapabilityContext(false, true, true, true, false);
        using var backend = new CLBackend(_context, capabilities, CLDeviceVendor.AMD, CLCVersion.CL20);
        foreach (KernelEntry kernel in KernelCatalog.All)
        {
            var compiled = (CLCompiledKernel)backend.Compile(Entry(kernel), KernelSpecialization.Empty);
            Assert.Contains("kernel void", compiled.Source, StringComparison.Ordinal);
            output.WriteLine($"OpenCL {kernel.Name}: {compiled.Source.Length:N0} characters of OpenCL C");
        }
    }

    /// <summary>
    /// No fused multiply-add in double precision, and no double product that feeds an addition directly: ILGPU writes
    /// <c>mul.f64</c> without a rounding modifier, which the PTX assembler may contract with a following
    /// <c>add.f64</c> into one FMA. Every product's bits must pass through an integer operation first.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void NoDoubleProductCanBeContracted(string name)
    {
        using PTXBackend backend = Ptx("SM_90");
        KernelEntry kernel = KernelCatalog.All.Single(k => k.Name == name);
        string ptx = ((PTXCompiledKernel)backend.Compile(Entry(kernel), KernelSpecialization.Empty)).PTXAssembly;
        string[] lines = ptx.Split('\n');
        Assert.DoesNotContain(lines, l => Regex.IsMatch(l, @"^\s*(fma|mad)(\.\w+)*\.f64\b"));
        foreach (string line in lines)
        {
            Match product = Regex.Match(line, @"^\s*mul(\.\w+)*\.f64\s+(%fd\d+),");
            if (!product.Success) continue;
            string register = product.Groups[2].Value;
            foreach (string use in lines.Where(l => Regex.IsMatch(l, $@"[ ,]{Regex.Escape(register)}\b") && l != line))
            {
                Assert.Matches(@"^\s*mov\.b64\s", use);
            }
        }
    }

    /// <summary>The catalog lists every kernel the launchers load: a kernel added without it would escape these tests.</summary>
    [Fact]
    public void CatalogListsEveryKernelMethod()
    {
        var kernelTypes = KernelCatalog.All.Select(k => k.Method.DeclaringType!).Distinct().ToArray();
        Assert.Equal(3, kernelTypes.Length);
        foreach (Type type in kernelTypes)
        {
            var internalStatic = type.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)
                .Where(m => m.ReturnType == typeof(void) && !m.IsSpecialName).Select(m => $"{type.Name}.{m.Name}");
            Assert.All(internalStatic, name => Assert.Contains(name, KernelCatalog.All.Select(k => k.Name)));
        }
    }

    private PTXBackend Ptx(string architecture)
    {
        CudaArchitecture arch = architecture switch
        {
            "SM_70" => CudaArchitecture.SM_70,
            "SM_80" => CudaArchitecture.SM_80,
            _ => CudaArchitecture.SM_90,
        };
        return new PTXBackend(_context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, nvvmAPI: null);
    }

    private static EntryPointDescription Entry(KernelEntry kernel) => kernel.ExplicitlyGrouped
        ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
        : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);

    public void Dispose() => _context.Dispose();
}
