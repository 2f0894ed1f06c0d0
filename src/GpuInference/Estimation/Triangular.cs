namespace GpuInference.Estimation;

/// <summary>Small dense solves with an upper-triangular k×k matrix R stored row-major.</summary>
internal static class Triangular
{
    /// <summary>Solves R x = b by back substitution.</summary>
    public static void SolveUpper(ReadOnlySpan<double> r, int k, ReadOnlySpan<double> b, Span<double> x)
    {
        for (int i = k - 1; i >= 0; i--)
        {
            double value = b[i];
            for (int m = i + 1; m < k; m++) value -= r[i * k + m] * x[m];
            x[i] = value / r[i * k + i];
        }
    }

    /// <summary>Solves Rᵀ u = b by forward substitution (Rᵀ is lower triangular).</summary>
    public static void SolveUpperTransposed(ReadOnlySpan<double> r, int k, ReadOnlySpan<double> b, Span<double> u)
    {
        for (int i = 0; i < k; i++)
        {
            double value = b[i];
            for (int m = 0; m < i; m++) value -= r[m * k + i] * u[m];
            u[i] = value / r[i * k + i];
        }
    }

    /// <summary>R⁻¹, upper triangular, row-major, by solving R x = e_j for each unit vector.</summary>
    public static double[] InvertUpper(ReadOnlySpan<double> r, int k)
    {
        var inverse = new double[k * k];
        Span<double> unit = stackalloc double[k];
        Span<double> column = stackalloc double[k];
        for (int j = 0; j < k; j++)
        {
            unit.Clear();
            unit[j] = 1;
            SolveUpper(r, k, unit, column);
            for (int i = 0; i < k; i++) inverse[i * k + j] = column[i];
        }
        return inverse;
    }

    /// <summary>
    /// Returns A M Aᵀ for a k×k A (row-major) and symmetric M: the sandwich R⁻¹ M R⁻ᵀ that turns a meat in R's
    /// orthonormal basis into the coefficients' covariance. The result is symmetrised so rounding cannot make it
    /// asymmetric.
    /// </summary>
    public static double[] Sandwich(ReadOnlySpan<double> a, ReadOnlySpan<double> m, int k)
    {
        var am = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++) sum += a[i * k + t] * m[t * k + j];
                am[i * k + j] = sum;
            }
        var result = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++) sum += am[i * k + t] * a[j * k + t];
                result[i * k + j] = sum;
                result[j * k + i] = sum;
            }
        return result;
    }
}
