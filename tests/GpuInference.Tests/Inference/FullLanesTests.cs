using GpuInference.Backends.Models;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The full-batch lane arithmetic against the same IEEE operations lane by lane in scalar code: every result's bits
/// must agree, since the device kernels do the scalar operations. On hardware without native 512-bit vectors the
/// vectors are emulated and the bits must still agree.
/// </summary>
public sealed unsafe class FullLanesTests
{
    private const int W = ModelSlots.Width;

    private static double[] Lanes(System.Random random, int count = W) =>
        [.. Enumerable.Range(0, count).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)))];

    private static void SameBits(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int p = 0; p < expected.Length; p++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[p]) == BitConverter.DoubleToInt64Bits(actual[p]), $"{what}, lane {p}: {expected[p]:R} against {actual[p]:R}");
        }
    }

    [Fact]
    public void EachOperationGivesTheScalarBits()
    {
        var random = new System.Random(11);
        double[] sum = Lanes(random), a = Lanes(random), b = Lanes(random), w = Lanes(random);
        double s = random.NextDouble() * 7 - 3;
        var expected = new double[W];
        var actual = (double[])sum.Clone();
        fixed (double* result = actual, pa = a, pb = b, pw = w)
        {
            for (int p = 0; p < W; p++) expected[p] = sum[p] + a[p];
            FullLanes.Add(result, pa);
            SameBits(expected, actual, "sum + a");

            for (int p = 0; p < W; p++) expected[p] += a[p] * b[p];
            FullLanes.AddProduct(result, pa, pb);
            SameBits(expected, actual, "sum + a·b");

            for (int p = 0; p < W; p++) expected[p] += a[p] * s;
            FullLanes.AddScaled(result, pa, s);
            SameBits(expected, actual, "sum + a·s");

            for (int p = 0; p < W; p++) expected[p] -= s * b[p];
            FullLanes.SubtractScaled(result, pb, s);
            SameBits(expected, actual, "target − s·c");

            for (int p = 0; p < W; p++) expected[p] -= w[p];
            FullLanes.Subtract(result, pw);
            SameBits(expected, actual, "target − x");

            for (int p = 0; p < W; p++) expected[p] += a[p] * w[p] * b[p];
            FullLanes.AddWeightedProduct(result, pa, pw, pb);
            SameBits(expected, actual, "sum + (a·w)·b");

            for (int p = 0; p < W; p++) expected[p] = b[p] - s;
            FullLanes.Difference(result, pb, s);
            SameBits(expected, actual, "source − shift");
        }
    }

    /// <summary>Four units into one sum at once: the bits of adding them one after another.</summary>
    [Fact]
    public void FourUnitsAtOnceAddInUnitOrder()
    {
        var random = new System.Random(12);
        const int stride = 3 * W; // as a block of units' terms is laid out: a unit's values, then the next unit's
        double[] a = Lanes(random, 4 * stride), b = Lanes(random, 4 * stride), w = Lanes(random, 4 * stride), sum = Lanes(random);
        double[] scales = [.. Enumerable.Range(0, 4).Select(_ => random.NextDouble() * 20 - 10)];
        double[] products = (double[])sum.Clone(), scaled = (double[])sum.Clone(), weighted = (double[])sum.Clone(), added = (double[])sum.Clone();
        double[] oneByOne = (double[])sum.Clone(), scaledOneByOne = (double[])sum.Clone(), weightedOneByOne = (double[])sum.Clone(), addedOneByOne = (double[])sum.Clone();
        for (int i = 0; i < 4; i++)
        {
            for (int p = 0; p < W; p++)
            {
                oneByOne[p] += a[i * stride + p] * b[i * stride + p];
                scaledOneByOne[p] += a[i * stride + p] * scales[i];
                weightedOneByOne[p] += a[i * stride + p] * w[i * stride + p] * b[i * stride + p];
                addedOneByOne[p] += a[i * stride + p];
            }
        }
        fixed (double* pa = a, pb = b, pw = w, product = products, scale = scaled, weight = weighted, sums = added)
        {
            FullLanes.Adds(sums, pa, stride);
            FullLanes.AddProducts(product, pa, pb, stride);
            FullLanes.AddScaleds(scale, pa, stride, scales[0], scales[1], scales[2], scales[3]);
            // The second pass's meat: each unit's a · w taken once, then added as a product with b.
            double[] aw = new double[4 * stride];
            fixed (double* paw = aw)
            {
                for (int i = 0; i < 4; i++) FullLanes.Product(paw + i * stride, pa + i * stride, pw + i * stride);
                FullLanes.AddProducts(weight, paw, pb, stride);
            }
        }
        Assert.Equal(4, FullLanes.Units);
        SameBits(oneByOne, products, "Σ a·b");
        SameBits(scaledOneByOne, scaled, "Σ a·s");
        SameBits(weightedOneByOne, weighted, "Σ (a·w)·b");
        SameBits(addedOneByOne, added, "Σ a");
    }

    [Theory]
    [InlineData(true, 5)]
    [InlineData(false, 5)]
    [InlineData(true, 0)]
    public void ResidualisingGivesTheSubtractionsInOrder(bool absorbs, int basis)
    {
        var random = new System.Random(13);
        const int stride = 4 * W;
        double[] z = Lanes(random), mean = Lanes(random), c = Lanes(random, Math.Max(1, basis) * stride);
        double[] q = [.. Enumerable.Range(0, Math.Max(1, basis)).Select(_ => random.NextDouble() * 4 - 2)];
        var expected = (double[])z.Clone();
        for (int p = 0; p < W; p++)
        {
            if (absorbs) expected[p] -= mean[p];
            for (int j = 0; j < basis; j++) expected[p] -= q[j] * c[j * stride + p];
        }
        var full = (double[])z.Clone();
        var generic = (double[])z.Clone();
        fixed (double* pz = full, pg = generic, pm = mean, pc = c, pq = q)
        {
            FullLanes.Residualise(pz, absorbs ? pm : null, pc, stride, pq, basis);
            // Fewer lanes than a full batch take the generic loop: the same bits in the lanes they cover.
            LaneMath.Residualise(pg, absorbs ? pm : null, pc, stride, pq, basis, W - LaneMath.Step);
        }
        SameBits(expected, full, "full lanes");
        SameBits(expected[..(W - LaneMath.Step)], generic[..(W - LaneMath.Step)], "generic lanes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void TheQuadraticFormAddsItsProductsInOrder(int k)
    {
        var random = new System.Random(15);
        double[] h = Lanes(random), z = Lanes(random, k * W), m = Lanes(random, k * k * W);
        var expected = (double[])h.Clone();
        for (int p = 0; p < W; p++)
        {
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b <= a; b++) expected[p] += z[a * W + p] * m[(a * k + b) * W + p] * z[b * W + p];
            }
        }
        fixed (double* ph = h, pz = z, pm = m) FullLanes.AddQuadraticForm(ph, pz, pm, k);
        SameBits(expected, h, "h + Σ (z_a·m_ab)·z_b");
    }

    /// <summary>The residual in registers: clearing e, adding each z_a·β_a in term order, then y − e, lane by lane.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void TheResidualTakesItsProductsInTermOrder(int k)
    {
        var random = new System.Random(17);
        double[] z = Lanes(random, k * W), beta = Lanes(random, k * W), e = Lanes(random);
        double y = random.NextDouble() * 5 - 2;
        var expected = new double[W];
        for (int p = 0; p < W; p++)
        {
            double fit = 0;
            for (int a = 0; a < k; a++) fit += z[a * W + p] * beta[a * W + p];
            expected[p] = y - fit;
        }
        fixed (double* pe = e, pz = z, pb = beta) FullLanes.Residual(pe, pz, pb, k, y);
        SameBits(expected, e, "y − Σ z_a·β_a");
    }

    /// <summary>HC2 and HC3 weights from the leverage, lane by lane: e² / (1 − h) and e² / (1 − h)².</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheLeverageWeightsAreTheScalarQuotients(bool squared)
    {
        var random = new System.Random(19);
        double[] e = Lanes(random), h = [.. Enumerable.Range(0, W).Select(_ => random.NextDouble() * 0.9)];
        double[] expected = [.. Enumerable.Range(0, W).Select(p => squared ? e[p] * e[p] / ((1 - h[p]) * (1 - h[p])) : e[p] * e[p] / (1 - h[p]))];
        fixed (double* ph = h, pe = e) FullLanes.LeverageWeight(ph, pe, squared);
        SameBits(expected, h, squared ? "e² / (1 − h)²" : "e² / (1 − h)");
    }

    /// <summary>Share from its 16 quotients (below 16 friends) or by division, count, any, at least and own levels: each lane's scalar value.</summary>
    [FullLaneAtomsFact]
    public void TheAtomsGiveTheirExposuresBits()
    {
        var random = new System.Random(14);
        var counts = new int[W];
        var values = new double[W];
        fixed (int* c = counts)
        fixed (double* v = values)
        {
            foreach (int degree in Enumerable.Range(0, 40).Append(255).Append(350))
            {
                for (int p = 0; p < W; p++) counts[p] = p < 2 ? p * degree : random.Next(degree + 1); // 0 and the degree itself among them
                FullLaneAtoms.Share(c, degree, v);
                SameBits([.. counts.Select(n => degree == 0 ? 0.0 : (double)n / degree)], values, $"share, degree {degree}");
                FullLaneAtoms.Widen(c, v);
                SameBits([.. counts.Select(n => (double)n)], values, $"count, degree {degree}");
                FullLaneAtoms.AtLeast(c, 1, v);
                SameBits([.. counts.Select(n => n > 0 ? 1.0 : 0.0)], values, $"any, degree {degree}");
                FullLaneAtoms.AtLeast(c, 3, v);
                SameBits([.. counts.Select(n => n >= 3 ? 1.0 : 0.0)], values, $"at least 3, degree {degree}");
            }
            ulong low = (ulong)random.NextInt64(), high = (ulong)random.NextInt64() & ~low;
            Array.Clear(values);
            FullLaneAtoms.SelectLevel(low, 2.5, v);
            FullLaneAtoms.SelectLevel(high, -1.25, v);
            SameBits([.. Enumerable.Range(0, W).Select(p => (low >> p & 1) != 0 ? 2.5 : (high >> p & 1) != 0 ? -1.25 : 0.0)], values, "own levels");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(4096)]
    public void AlignedLanesStartOnACacheLine(int length)
    {
        for (int i = 0; i < 8; i++)
        {
            var lanes = new AlignedLanes(length);
            Assert.Equal(0, (long)lanes.Pointer % 64);
            Assert.Equal(length, lanes.Span.Length);
            lanes.Span.Fill(1);
            Assert.Equal(length, lanes.Span.ToArray().Sum());
        }
    }
}

/// <summary>A fact that needs native AVX-512 (F and BW: <see cref="FullLaneAtoms"/> and the byte counters call them directly): skipped on hardware without, where the generic loops run.</summary>
public sealed class FullLaneAtomsFactAttribute : FactAttribute
{
    public FullLaneAtomsFactAttribute()
    {
        if (!FullLaneAtoms.IsAccelerated || !Backends.Cpu.Avx512BitSpread.IsSupported) Skip = "no native AVX-512 here: the generic lane loops run";
    }
}
