using System.Text.RegularExpressions;
using GpuInference.Backends.Devices;
using GpuInference.Kernels;
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
    private readonly KernelTargets _targets = new();

    public static TheoryData<string> Architectures => [.. KernelTargets.Architectures];

    public static TheoryData<string> Kernels => [.. KernelCatalog.All.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryKernelCompilesToPtx(string architecture)
    {
        foreach (KernelEntry kernel in KernelCatalog.All)
        {
            string ptx = _targets.Ptx(kernel, architecture);
            Assert.Contains(".entry ", ptx, StringComparison.Ordinal);
            output.WriteLine($"{architecture} {kernel.Name}: {ptx.Length:N0} characters of PTX");
        }
    }

    [Fact]
    public void EveryKernelCompilesToOpenClC()
    {
        foreach (KernelEntry kernel in KernelCatalog.All)
        {
            string source = _targets.OpenClC(kernel);
            Assert.Contains("kernel void", source, StringComparison.Ordinal);
            output.WriteLine($"OpenCL {kernel.Name}: {source.Length:N0} characters of OpenCL C");
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
        string[] lines = _targets.Ptx(KernelCatalog.All.Single(k => k.Name == name), "sm_90").Split('\n');
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
        Assert.Equal(4, kernelTypes.Length);
        foreach (Type type in kernelTypes)
        {
            var internalStatic = type.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)
                .Where(m => m.ReturnType == typeof(void) && !m.IsSpecialName).Select(m => $"{type.Name}.{m.Name}");
            Assert.All(internalStatic, name => Assert.Contains(name, KernelCatalog.All.Select(k => k.Name)));
        }
    }

    public void Dispose() => _targets.Dispose();
}
