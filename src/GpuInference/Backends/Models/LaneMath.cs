using System.Numerics;

namespace GpuInference.Backends.Models;

/// <summary>
/// Element-wise arithmetic over a batch's permutation lanes (n doubles, a multiple of the vector
/// width), as whole SIMD vectors. Every operation rounds each product before it is added: .NET never fuses them,
/// which is what keeps the host's bits equal to the kernels'.
/// </summary>
internal static unsafe class LaneMath
{
    public static readonly int Step = Vector<double>.Count;

    /// <summary>The lanes a batch of <paramref name="count"/> permutations needs: count rounded up to whole vectors.</summary>
    public static int Lanes(int count) => (count + Step - 1) / Step * Step;

    /// <summary>sum += x.</summary>
    public static void Add(double* sum, double* x, int n)
    {
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(x + p);
    }

    /// <summary>sum += a · b.</summary>
    public static void AddProduct(double* sum, double* a, double* b, int n)
    {
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(a + p) * *(Vector<double>*)(b + p);
    }

    /// <summary>sum += a · s.</summary>
    public static void AddScaled(double* sum, double* a, double s, int n)
    {
        var scale = new Vector<double>(s);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(a + p) * scale;
    }

    /// <summary>target −= s · c.</summary>
    public static void SubtractScaled(double* target, double* c, double s, int n)
    {
        var scale = new Vector<double>(s);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) -= scale * *(Vector<double>*)(c + p);
    }

    /// <summary>target −= x.</summary>
    public static void Subtract(double* target, double* x, int n)
    {
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) -= *(Vector<double>*)(x + p);
    }

    /// <summary>sum += (a · w) · b.</summary>
    public static void AddWeightedProduct(double* sum, double* a, double* w, double* b, int n)
    {
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(a + p) * *(Vector<double>*)(w + p) * *(Vector<double>*)(b + p);
    }

    /// <summary>target ·= f.</summary>
    public static void Multiply(double* target, double* f, int n)
    {
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) *= *(Vector<double>*)(f + p);
    }

    /// <summary>target = target · s − shift (the product rounded first).</summary>
    public static void ScaleAndShift(double* target, double s, double shift, int n)
    {
        var scale = new Vector<double>(s);
        var offset = new Vector<double>(shift);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) = *(Vector<double>*)(target + p) * scale - offset;
    }

    /// <summary>target = source − shift.</summary>
    public static void Difference(double* target, double* source, double shift, int n)
    {
        var offset = new Vector<double>(shift);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) = *(Vector<double>*)(source + p) - offset;
    }

    /// <summary>target −= shift.</summary>
    public static void Shift(double* target, double shift, int n)
    {
        var offset = new Vector<double>(shift);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) -= offset;
    }
}
