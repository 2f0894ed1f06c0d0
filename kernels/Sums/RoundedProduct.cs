using ILGPU;

namespace GpuInference.Kernels.Sums;

/// <summary>
/// A product that is rounded on its own before it is added, on every device.
/// <para>
/// ILGPU writes <c>mul.f64</c> and <c>add.f64</c> without rounding modifiers, and the PTX assembler may then fuse such
/// a pair into one fused multiply-add: one rounding instead of two, which changes low bits against the host (RyuJIT
/// never contracts). Passing the product's bits through an XOR with a value the compiler cannot see (a kernel
/// argument that is always 0) leaves the value unchanged but puts an integer operation between the multiply and the
/// add, so no assembler can fuse them. The kernel tests check the generated PTX for exactly this.
/// </para>
/// </summary>
internal static class RoundedProduct
{
    public static double Of(double a, double b, ulong zero) => Interop.IntAsFloat(Interop.FloatAsInt(a * b) ^ zero);
}
