using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuInference.Backends.Models;

/// <summary>
/// <see cref="LaneMath"/>'s operations over all 64 lanes of a full batch, written out as eight 512-bit vectors.
/// Each lane gets the same IEEE operations in the same order as the generic loop, so the same bits; what changes is
/// the instruction count: the generic loop spends about ten instructions per four lanes (index, bounds, loop), which
/// made the first pass's sums bound by the front end, not by arithmetic or memory.
/// </summary>
internal static unsafe class FullLanes
{
    /// <summary>Whether the hardware runs 512-bit vectors natively; otherwise callers keep the generic loop.</summary>
    public static readonly bool IsAccelerated = Vector512.IsHardwareAccelerated;

    /// <summary>sum += x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(double* sum, double* x)
    {
        AddAt(sum, x, 0); AddAt(sum, x, 8); AddAt(sum, x, 16); AddAt(sum, x, 24);
        AddAt(sum, x, 32); AddAt(sum, x, 40); AddAt(sum, x, 48); AddAt(sum, x, 56);
    }

    /// <summary>The lanes where x is 0, as bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Zeros(double* x)
    {
        ulong zeros = 0;
        for (int p = 0; p < ModelSlots.Width; p += 8) zeros |= (ulong)Vector512.Equals(Vector512.Load(x + p), Vector512<double>.Zero).ExtractMostSignificantBits() << p;
        return zeros;
    }

    /// <summary>The lanes of <paramref name="lanes"/> as eight selection masks of eight lanes each, for <see cref="AddWhere"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Selections(ulong lanes, Vector512<double>* selections)
    {
        // Lane j of eight tests bit j of a byte (a constant here rather than a static field: see ByteCountTerms.OwnLevels).
        Vector512<long> bitOfLane = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);
        for (int g = 0; g < 8; g++) selections[g] = Vector512.Equals(Vector512.Create((long)((lanes >> (8 * g)) & 0xFF)) & bitOfLane, bitOfLane).AsDouble();
    }

    /// <summary>
    /// sum += s in the lanes <paramref name="selections"/> selects (<see cref="Selections"/>); the other lanes keep
    /// their bits. Every eight lanes are blended, with no branch on which hold a selected lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWhere(double* sum, Vector512<double>* selections, double s)
    {
        var value = Vector512.Create(s);
        for (int g = 0; g < 8; g++)
        {
            Vector512<double> current = Vector512.Load(sum + 8 * g);
            Vector512.Store(Vector512.ConditionalSelect(selections[g], current + value, current), sum + 8 * g);
        }
    }

    /// <summary>sum += a · b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddProduct(double* sum, double* a, double* b)
    {
        AddProductAt(sum, a, b, 0); AddProductAt(sum, a, b, 8); AddProductAt(sum, a, b, 16); AddProductAt(sum, a, b, 24);
        AddProductAt(sum, a, b, 32); AddProductAt(sum, a, b, 40); AddProductAt(sum, a, b, 48); AddProductAt(sum, a, b, 56);
    }

    /// <summary>sum += a · s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(double* sum, double* a, double s)
    {
        var scale = Vector512.Create(s);
        AddScaledAt(sum, a, scale, 0); AddScaledAt(sum, a, scale, 8); AddScaledAt(sum, a, scale, 16); AddScaledAt(sum, a, scale, 24);
        AddScaledAt(sum, a, scale, 32); AddScaledAt(sum, a, scale, 40); AddScaledAt(sum, a, scale, 48); AddScaledAt(sum, a, scale, 56);
    }

    /// <summary>target −= s · c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubtractScaled(double* target, double* c, double s)
    {
        var scale = Vector512.Create(s);
        SubtractScaledAt(target, c, scale, 0); SubtractScaledAt(target, c, scale, 8); SubtractScaledAt(target, c, scale, 16); SubtractScaledAt(target, c, scale, 24);
        SubtractScaledAt(target, c, scale, 32); SubtractScaledAt(target, c, scale, 40); SubtractScaledAt(target, c, scale, 48); SubtractScaledAt(target, c, scale, 56);
    }

    /// <summary>target −= x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Subtract(double* target, double* x)
    {
        SubtractAt(target, x, 0); SubtractAt(target, x, 8); SubtractAt(target, x, 16); SubtractAt(target, x, 24);
        SubtractAt(target, x, 32); SubtractAt(target, x, 40); SubtractAt(target, x, 48); SubtractAt(target, x, 56);
    }

    /// <summary>sum += (a · w) · b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWeightedProduct(double* sum, double* a, double* w, double* b)
    {
        AddWeightedProductAt(sum, a, w, b, 0); AddWeightedProductAt(sum, a, w, b, 8); AddWeightedProductAt(sum, a, w, b, 16); AddWeightedProductAt(sum, a, w, b, 24);
        AddWeightedProductAt(sum, a, w, b, 32); AddWeightedProductAt(sum, a, w, b, 40); AddWeightedProductAt(sum, a, w, b, 48); AddWeightedProductAt(sum, a, w, b, 56);
    }

    /// <summary>target = source − shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Difference(double* target, double* source, double shift)
    {
        var offset = Vector512.Create(shift);
        DifferenceAt(target, source, offset, 0); DifferenceAt(target, source, offset, 8); DifferenceAt(target, source, offset, 16); DifferenceAt(target, source, offset, 24);
        DifferenceAt(target, source, offset, 32); DifferenceAt(target, source, offset, 40); DifferenceAt(target, source, offset, 48); DifferenceAt(target, source, offset, 56);
    }

    /// <summary>The units <see cref="AddProducts"/> and <see cref="AddScaleds"/> take at once.</summary>
    public const int Units = 4;

    /// <summary>
    /// sum += a_i · b_i for i = 0 .. 3 in that order, a_i = a + i · stride (likewise b): the sum is loaded once,
    /// gains each product rounded on its own, and is stored once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddProducts(double* sum, double* a, double* b, int stride)
    {
        AddProductsAt(sum, a, b, stride, 0); AddProductsAt(sum, a, b, stride, 8); AddProductsAt(sum, a, b, stride, 16); AddProductsAt(sum, a, b, stride, 24);
        AddProductsAt(sum, a, b, stride, 32); AddProductsAt(sum, a, b, stride, 40); AddProductsAt(sum, a, b, stride, 48); AddProductsAt(sum, a, b, stride, 56);
    }

    /// <summary>sum += x_i for i = 0 .. 3 in that order, x_i = x + i · stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Adds(double* sum, double* x, int stride)
    {
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector512<double> total = Vector512.Load(sum + p) + Vector512.Load(x + p);
            total += Vector512.Load(x + stride + p);
            total += Vector512.Load(x + 2 * stride + p);
            total += Vector512.Load(x + 3 * stride + p);
            Vector512.Store(total, sum + p);
        }
    }

    /// <summary>sum += a_i · s_i for i = 0 .. 3 in that order, a_i = a + i · stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaleds(double* sum, double* a, int stride, double s0, double s1, double s2, double s3)
    {
        var scales = new Scales(Vector512.Create(s0), Vector512.Create(s1), Vector512.Create(s2), Vector512.Create(s3));
        AddScaledsAt(sum, a, stride, scales, 0); AddScaledsAt(sum, a, stride, scales, 8); AddScaledsAt(sum, a, stride, scales, 16); AddScaledsAt(sum, a, stride, scales, 24);
        AddScaledsAt(sum, a, stride, scales, 32); AddScaledsAt(sum, a, stride, scales, 40); AddScaledsAt(sum, a, stride, scales, 48); AddScaledsAt(sum, a, stride, scales, 56);
    }

    /// <summary>target = a · b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Product(double* target, double* a, double* b)
    {
        for (int p = 0; p < ModelSlots.Width; p += 8) Vector512.Store(Vector512.Load(a + p) * Vector512.Load(b + p), target + p);
    }

    /// <summary>
    /// z = z − mean − Σ_j q_j c_j (j in order; <paramref name="mean"/> null to skip it, c_j = c + j · stride), the
    /// 64 lanes held in eight registers through the subtractions instead of stored after each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the second pass's first chunks on, as its loop is
    public static void Residualise(double* z, double* mean, double* c, int stride, double* q, int basis)
    {
        Vector512<double> z0 = Vector512.Load(z), z1 = Vector512.Load(z + 8), z2 = Vector512.Load(z + 16), z3 = Vector512.Load(z + 24);
        Vector512<double> z4 = Vector512.Load(z + 32), z5 = Vector512.Load(z + 40), z6 = Vector512.Load(z + 48), z7 = Vector512.Load(z + 56);
        if (mean != null)
        {
            z0 -= Vector512.Load(mean); z1 -= Vector512.Load(mean + 8); z2 -= Vector512.Load(mean + 16); z3 -= Vector512.Load(mean + 24);
            z4 -= Vector512.Load(mean + 32); z5 -= Vector512.Load(mean + 40); z6 -= Vector512.Load(mean + 48); z7 -= Vector512.Load(mean + 56);
        }
        for (int j = 0; j < basis; j++)
        {
            var scale = Vector512.Create(q[j]);
            double* cj = c + j * stride;
            z0 -= scale * Vector512.Load(cj); z1 -= scale * Vector512.Load(cj + 8); z2 -= scale * Vector512.Load(cj + 16); z3 -= scale * Vector512.Load(cj + 24);
            z4 -= scale * Vector512.Load(cj + 32); z5 -= scale * Vector512.Load(cj + 40); z6 -= scale * Vector512.Load(cj + 48); z7 -= scale * Vector512.Load(cj + 56);
        }
        Vector512.Store(z0, z); Vector512.Store(z1, z + 8); Vector512.Store(z2, z + 16); Vector512.Store(z3, z + 24);
        Vector512.Store(z4, z + 32); Vector512.Store(z5, z + 40); Vector512.Store(z6, z + 48); Vector512.Store(z7, z + 56);
    }

    /// <summary>
    /// h += Σ_a Σ_{b ≤ a} (z_a · m_ab) · z_b in that order (z_a = z + a · 64, m_ab = m + (a · k + b) · 64): a
    /// leverage's quadratic form, the 64 lanes of h held in eight registers through the k(k+1)/2 products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the second pass's first chunks on, as its loop is
    public static void AddQuadraticForm(double* h, double* z, double* m, int k)
    {
        Vector512<double> h0 = Vector512.Load(h), h1 = Vector512.Load(h + 8), h2 = Vector512.Load(h + 16), h3 = Vector512.Load(h + 24);
        Vector512<double> h4 = Vector512.Load(h + 32), h5 = Vector512.Load(h + 40), h6 = Vector512.Load(h + 48), h7 = Vector512.Load(h + 56);
        for (int a = 0; a < k; a++)
        {
            double* za = z + a * ModelSlots.Width;
            for (int b = 0; b <= a; b++)
            {
                double* zb = z + b * ModelSlots.Width, mab = m + (a * k + b) * ModelSlots.Width;
                h0 += Vector512.Load(za) * Vector512.Load(mab) * Vector512.Load(zb);
                h1 += Vector512.Load(za + 8) * Vector512.Load(mab + 8) * Vector512.Load(zb + 8);
                h2 += Vector512.Load(za + 16) * Vector512.Load(mab + 16) * Vector512.Load(zb + 16);
                h3 += Vector512.Load(za + 24) * Vector512.Load(mab + 24) * Vector512.Load(zb + 24);
                h4 += Vector512.Load(za + 32) * Vector512.Load(mab + 32) * Vector512.Load(zb + 32);
                h5 += Vector512.Load(za + 40) * Vector512.Load(mab + 40) * Vector512.Load(zb + 40);
                h6 += Vector512.Load(za + 48) * Vector512.Load(mab + 48) * Vector512.Load(zb + 48);
                h7 += Vector512.Load(za + 56) * Vector512.Load(mab + 56) * Vector512.Load(zb + 56);
            }
        }
        Vector512.Store(h0, h); Vector512.Store(h1, h + 8); Vector512.Store(h2, h + 16); Vector512.Store(h3, h + 24);
        Vector512.Store(h4, h + 32); Vector512.Store(h5, h + 40); Vector512.Store(h6, h + 48); Vector512.Store(h7, h + 56);
    }

    /// <summary>
    /// e = y − Σ_a z_a · β_a (z_a = z + a · 64, β_a = beta + a · 64), the products added in term order into a sum that
    /// starts at 0, then taken from y: what clearing e, <see cref="AddProduct"/> per term and a complement do, the
    /// 64 lanes held in eight registers throughout instead of stored after each term.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the second pass's first chunks on, as its loop is
    public static void Residual(double* e, double* z, double* beta, int k, double y)
    {
        Vector512<double> e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default, e6 = default, e7 = default;
        for (int a = 0; a < k; a++)
        {
            double* za = z + a * ModelSlots.Width, ba = beta + a * ModelSlots.Width;
            e0 += Vector512.Load(za) * Vector512.Load(ba); e1 += Vector512.Load(za + 8) * Vector512.Load(ba + 8);
            e2 += Vector512.Load(za + 16) * Vector512.Load(ba + 16); e3 += Vector512.Load(za + 24) * Vector512.Load(ba + 24);
            e4 += Vector512.Load(za + 32) * Vector512.Load(ba + 32); e5 += Vector512.Load(za + 40) * Vector512.Load(ba + 40);
            e6 += Vector512.Load(za + 48) * Vector512.Load(ba + 48); e7 += Vector512.Load(za + 56) * Vector512.Load(ba + 56);
        }
        var value = Vector512.Create(y);
        Vector512.Store(value - e0, e); Vector512.Store(value - e1, e + 8); Vector512.Store(value - e2, e + 16); Vector512.Store(value - e3, e + 24);
        Vector512.Store(value - e4, e + 32); Vector512.Store(value - e5, e + 40); Vector512.Store(value - e6, e + 48); Vector512.Store(value - e7, e + 56);
    }

    /// <summary>h = e² / (1 − h), or e² / (1 − h)² when <paramref name="squared"/>: <see cref="LaneMath.LeverageWeight"/> over all 64 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeverageWeight(double* h, double* e, bool squared)
    {
        for (int p = 0; p < ModelSlots.Width; p += 8)
        {
            Vector512<double> ep = Vector512.Load(e + p), rest = Vector512<double>.One - Vector512.Load(h + p);
            Vector512.Store(squared ? ep * ep / (rest * rest) : ep * ep / rest, h + p);
        }
    }

    private readonly record struct Scales(Vector512<double> S0, Vector512<double> S1, Vector512<double> S2, Vector512<double> S3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddProductsAt(double* sum, double* a, double* b, int stride, int p)
    {
        Vector512<double> total = Vector512.Load(sum + p) + Vector512.Load(a + p) * Vector512.Load(b + p);
        total += Vector512.Load(a + stride + p) * Vector512.Load(b + stride + p);
        total += Vector512.Load(a + 2 * stride + p) * Vector512.Load(b + 2 * stride + p);
        total += Vector512.Load(a + 3 * stride + p) * Vector512.Load(b + 3 * stride + p);
        Vector512.Store(total, sum + p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledsAt(double* sum, double* a, int stride, in Scales scales, int p)
    {
        Vector512<double> total = Vector512.Load(sum + p) + Vector512.Load(a + p) * scales.S0;
        total += Vector512.Load(a + stride + p) * scales.S1;
        total += Vector512.Load(a + 2 * stride + p) * scales.S2;
        total += Vector512.Load(a + 3 * stride + p) * scales.S3;
        Vector512.Store(total, sum + p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddAt(double* sum, double* x, int p) => Vector512.Store(Vector512.Load(sum + p) + Vector512.Load(x + p), sum + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddProductAt(double* sum, double* a, double* b, int p) =>
        Vector512.Store(Vector512.Load(sum + p) + Vector512.Load(a + p) * Vector512.Load(b + p), sum + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledAt(double* sum, double* a, Vector512<double> scale, int p) =>
        Vector512.Store(Vector512.Load(sum + p) + Vector512.Load(a + p) * scale, sum + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SubtractScaledAt(double* target, double* c, Vector512<double> scale, int p) =>
        Vector512.Store(Vector512.Load(target + p) - scale * Vector512.Load(c + p), target + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SubtractAt(double* target, double* x, int p) => Vector512.Store(Vector512.Load(target + p) - Vector512.Load(x + p), target + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWeightedProductAt(double* sum, double* a, double* w, double* b, int p) =>
        Vector512.Store(Vector512.Load(sum + p) + Vector512.Load(a + p) * Vector512.Load(w + p) * Vector512.Load(b + p), sum + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DifferenceAt(double* target, double* source, Vector512<double> offset, int p) =>
        Vector512.Store(Vector512.Load(source + p) - offset, target + p);
}
