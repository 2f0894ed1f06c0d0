namespace GpuInference.Estimation;

/// <summary>
/// The thin QR factorisation of a tall n×k matrix by Householder reflections, in place on its columns (LAPACK's
/// dgeqr2 layout: R on and above the diagonal, each reflector's vector below it with an implicit leading 1).
/// Working on X itself rather than on XᵀX keeps the condition number at κ(X) instead of κ(X)², which is what lets
/// Longley and Wampler fits keep their certified digits. Cost: about 2nk² flops, one pass per column pair.
/// </summary>
internal sealed class HouseholderQr
{
    private readonly double[][] _a;
    private readonly double[] _tau;

    private HouseholderQr(double[][] a, double[] tau)
    {
        _a = a;
        _tau = tau;
    }

    /// <summary>The number of rows.</summary>
    public int Rows => _a.Length == 0 ? 0 : _a[0].Length;

    /// <summary>The number of columns (k).</summary>
    public int Columns => _a.Length;

    /// <summary>
    /// Factors <paramref name="columns"/> in place (they are overwritten). Column j counts as dependent on the columns
    /// before it when |R_jj| ≤ <paramref name="tolerance"/>·<paramref name="columnNorms"/>[j]: |R_jj| is the norm of the
    /// part of column j that the earlier columns cannot explain. Returns null and sets <paramref name="dependent"/> to
    /// the first such column; the factorisation then stops, because everything after it is meaningless.
    /// </summary>
    public static HouseholderQr? Factor(double[][] columns, ReadOnlySpan<double> columnNorms, double tolerance, out int dependent)
    {
        int k = columns.Length;
        var tau = new double[k];
        for (int j = 0; j < k; j++)
        {
            Span<double> column = columns[j];
            double alpha = column[j];
            Span<double> tail = column[(j + 1)..];
            double sigma = Kernels.Norm(tail);
            double beta;
            if (sigma == 0)
            {
                // Already upper triangular in this column: the identity reflection keeps R_jj's sign.
                tau[j] = 0;
                beta = alpha;
            }
            else
            {
                // β takes the sign opposite to α so that α − β never cancels.
                beta = -Math.CopySign(double.Hypot(alpha, sigma), alpha);
                tau[j] = (beta - alpha) / beta;
                double scale = 1 / (alpha - beta);
                for (int i = 0; i < tail.Length; i++) tail[i] *= scale;
            }
            column[j] = beta;
            if (!(Math.Abs(beta) > tolerance * columnNorms[j]))
            {
                dependent = j;
                return null;
            }
            for (int c = j + 1; c < k; c++)
            {
                ApplyReflector(column, tau[j], j, columns[c]);
            }
        }
        dependent = -1;
        return new HouseholderQr(columns, tau);
    }

    /// <summary>Overwrites <paramref name="y"/> (length n) with Qᵀy; its first k entries are then the projections onto R's basis.</summary>
    public void ApplyQTransposed(Span<double> y)
    {
        for (int j = 0; j < _a.Length; j++) ApplyReflector(_a[j], _tau[j], j, y);
    }

    /// <summary>R as a dense row-major k×k array (zeros below the diagonal).</summary>
    public double[] UpperTriangle()
    {
        int k = _a.Length;
        var r = new double[k * k];
        for (int j = 0; j < k; j++)
        {
            for (int i = 0; i <= j; i++) r[i * k + j] = _a[j][i];
        }
        return r;
    }

    /// <summary>H_j y = y − τ v (vᵀ y), with v = (0…0, 1, reflector tail of column j).</summary>
    private static void ApplyReflector(ReadOnlySpan<double> reflector, double tau, int j, Span<double> y)
    {
        if (tau == 0) return;
        ReadOnlySpan<double> tail = reflector[(j + 1)..];
        Span<double> target = y[(j + 1)..];
        double w = tau * (y[j] + Kernels.Dot(tail, target));
        y[j] -= w;
        Kernels.Axpy(-w, tail, target);
    }
}
