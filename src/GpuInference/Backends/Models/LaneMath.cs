using System.Numerics;

namespace GpuInference.Backends.Models;

/// <summary>
/// Element-wise arithmetic over a batch's permutation lanes (n doubles, a multiple of the vector
/// width), as whole SIMD vectors; a full batch's 64 lanes go through <see cref="FullLanes"/> where 512-bit vectors
/// run natively. Every operation rounds each product before it is added: .NET never fuses them,
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
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.Add(sum, x);
            return;
        }
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(x + p);
    }

    /// <summary>sum += a · b.</summary>
    public static void AddProduct(double* sum, double* a, double* b, int n)
    {
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.AddProduct(sum, a, b);
            return;
        }
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(a + p) * *(Vector<double>*)(b + p);
    }

    /// <summary>sum += a · s.</summary>
    public static void AddScaled(double* sum, double* a, double s, int n)
    {
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.AddScaled(sum, a, s);
            return;
        }
        var scale = new Vector<double>(s);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(sum + p) += *(Vector<double>*)(a + p) * scale;
    }

    /// <summary>target −= s · c.</summary>
    public static void SubtractScaled(double* target, double* c, double s, int n)
    {
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.SubtractScaled(target, c, s);
            return;
        }
        var scale = new Vector<double>(s);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) -= scale * *(Vector<double>*)(c + p);
    }

    /// <summary>target −= x.</summary>
    public static void Subtract(double* target, double* x, int n)
    {
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.Subtract(target, x);
            return;
        }
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) -= *(Vector<double>*)(x + p);
    }

    /// <summary>sum += (a · w) · b.</summary>
    public static void AddWeightedProduct(double* sum, double* a, double* w, double* b, int n)
    {
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.AddWeightedProduct(sum, a, w, b);
            return;
        }
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
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.Difference(target, source, shift);
            return;
        }
        var offset = new Vector<double>(shift);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) = *(Vector<double>*)(source + p) - offset;
    }

    /// <summary>target −= shift.</summary>
    public static void Shift(double* target, double shift, int n)
    {
        var offset = new Vector<double>(shift);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) -= offset;
    }

    /// <summary>target = y − target.</summary>
    public static void Complement(double* target, double y, int n)
    {
        var value = new Vector<double>(y);
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) = value - *(Vector<double>*)(target + p);
    }

    /// <summary>target = x · x.</summary>
    public static void Square(double* target, double* x, int n)
    {
        for (int p = 0; p < n; p += Step) *(Vector<double>*)(target + p) = *(Vector<double>*)(x + p) * *(Vector<double>*)(x + p);
    }

    /// <summary>h = e² / (1 − h), or e² / (1 − h)² when <paramref name="squared"/>: a unit's HC2 or HC3 weight from its leverage h.</summary>
    public static void LeverageWeight(double* h, double* e, bool squared, int n)
    {
        var one = Vector<double>.One;
        for (int p = 0; p < n; p += Step)
        {
            var ep = *(Vector<double>*)(e + p);
            Vector<double> rest = one - *(Vector<double>*)(h + p);
            *(Vector<double>*)(h + p) = squared ? ep * ep / (rest * rest) : ep * ep / rest;
        }
    }

    /// <summary>z = z − mean − Σ_j q_j c_j, in that order (<paramref name="mean"/> null to skip it; c_j = c + j · stride).</summary>
    public static void Residualise(double* z, double* mean, double* c, int stride, double* q, int basis, int n)
    {
        if (n == ModelSlots.Width && FullLanes.IsAccelerated)
        {
            FullLanes.Residualise(z, mean, c, stride, q, basis);
            return;
        }
        if (mean != null) Subtract(z, mean, n);
        for (int j = 0; j < basis; j++) SubtractScaled(z, c + j * stride, q[j], n);
    }
}
