using GpuInference.Model;

namespace GpuInference.Inference.Models;

/// <summary>
/// One permutation's fit of the moving terms: evaluates them under the drawn codes, residualises them on the fixed
/// part, solves for their coefficients and, when asked, their covariance. One instance per thread (it owns scratch
/// space); every sum runs over units in unit order, so results do not depend on threads or batches.
/// </summary>
public sealed class MovingFit
{
    private readonly CompiledModel _model;
    private readonly FixedPart _fixed;
    private readonly double[] _outcome;
    private readonly double[][] _z;
    private readonly double[] _residual;

    /// <param name="model">The compiled model.</param>
    /// <param name="fixedPart">Its fixed part, prepared once.</param>
    /// <param name="residualOutcome">The outcome residualised on the fixed part (shared, read only).</param>
    public MovingFit(CompiledModel model, FixedPart fixedPart, double[] residualOutcome)
    {
        _model = model;
        _fixed = fixedPart;
        _outcome = residualOutcome;
        _z = [.. model.Moving.Select(_ => new double[model.UnitCount])];
        _residual = new double[model.UnitCount];
    }

    public int K => _model.Moving.Length;

    /// <summary>
    /// Fits under <paramref name="drawn"/> (a code per node). Writes K coefficients; when <paramref name="covariance"/>
    /// is given, also the K × K covariance (row-major) into <paramref name="v"/>. A singular fit is NaN throughout.
    /// </summary>
    public void Fit(ReadOnlySpan<int> drawn, Span<double> beta, PermutationCovariance? covariance, Span<double> v)
    {
        int k = K, n = _model.UnitCount;
        for (int t = 0; t < k; t++)
        {
            _model.Moving[t].Evaluate(_model.Graph, _model.UnitNodes, drawn, _z[t]);
            _fixed.Residualise(_z[t]);
        }
        var gram = new double[k * k];
        var rhs = new double[k];
        for (int a = 0; a < k; a++)
        {
            rhs[a] = Dot(_z[a], _outcome);
            for (int b = 0; b <= a; b++) gram[a * k + b] = gram[b * k + a] = Dot(_z[a], _z[b]);
        }
        double[]? inverse = SymmetricInverse(gram, k);
        if (inverse is null)
        {
            beta[..k].Fill(double.NaN);
            if (covariance is not null) v[..(k * k)].Fill(double.NaN);
            return;
        }
        for (int a = 0; a < k; a++)
        {
            double sum = 0;
            for (int b = 0; b < k; b++) sum += inverse[a * k + b] * rhs[b];
            beta[a] = sum;
        }
        if (covariance is null) return;

        for (int i = 0; i < n; i++)
        {
            double fitted = 0;
            for (int a = 0; a < k; a++) fitted += _z[a][i] * beta[a];
            _residual[i] = _outcome[i] - fitted;
        }
        double[] meat = Meat(covariance, inverse, k, n, out double scale);
        Sandwich.Assemble(inverse, meat, scale, k, v);
    }

    /// <summary>The middle of the sandwich and its small-sample scale.</summary>
    private double[] Meat(PermutationCovariance covariance, double[] inverse, int k, int n, out double scale)
    {
        var meat = new double[k * k];
        int parameters = Sandwich.Parameters(covariance, _fixed, k);
        if (covariance.Type == "Classical")
        {
            double rss = Dot(_residual, _residual);
            // σ² (Z̃ᵀZ̃)⁻¹ = σ² G⁻¹ G G⁻¹: a meat of σ² G makes the sandwich collapse to it.
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b < k; b++) meat[a * k + b] = Dot(_z[a], _z[b]);
            }
            scale = Sandwich.Scale(covariance, n, parameters, rss);
            return meat;
        }
        if (covariance.IsClustered)
        {
            int g = covariance.ClusterCount;
            var scores = new double[g * k];
            int[] cluster = covariance.Clusters!;
            for (int i = 0; i < n; i++)
            {
                for (int a = 0; a < k; a++) scores[cluster[i] * k + a] += _z[a][i] * _residual[i];
            }
            for (int c = 0; c < g; c++)
            {
                for (int a = 0; a < k; a++)
                {
                    for (int b = 0; b < k; b++) meat[a * k + b] += scores[c * k + a] * scores[c * k + b];
                }
            }
            scale = Sandwich.Scale(covariance, n, parameters, 0);
            return meat;
        }
        var row = new double[k];
        for (int i = 0; i < n; i++)
        {
            double e2 = _residual[i] * _residual[i];
            if (covariance.Type is "HC2" or "HC3")
            {
                for (int a = 0; a < k; a++) row[a] = _z[a][i];
                double h = _fixed.Leverage[i];
                for (int a = 0; a < k; a++)
                {
                    for (int b = 0; b < k; b++) h += row[a] * inverse[a * k + b] * row[b];
                }
                e2 = covariance.Type == "HC2" ? e2 / (1 - h) : e2 / ((1 - h) * (1 - h));
            }
            for (int a = 0; a < k; a++)
            {
                double za = _z[a][i] * e2;
                for (int b = 0; b < k; b++) meat[a * k + b] += za * _z[b][i];
            }
        }
        scale = Sandwich.Scale(covariance, n, parameters, 0);
        return meat;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>The inverse of a small symmetric positive-definite matrix by Cholesky; null when a pivot vanishes (a term with no variation left).</summary>
    internal static double[]? SymmetricInverse(double[] matrix, int k)
    {
        var l = new double[k * k];
        for (int j = 0; j < k; j++)
        {
            double pivot = matrix[j * k + j];
            for (int m = 0; m < j; m++) pivot -= l[j * k + m] * l[j * k + m];
            if (!(pivot > 1e-10 * matrix[j * k + j]) || !(matrix[j * k + j] > 0)) return null;
            double root = Math.Sqrt(pivot);
            l[j * k + j] = root;
            for (int i = j + 1; i < k; i++)
            {
                double value = matrix[j * k + i];
                for (int m = 0; m < j; m++) value -= l[i * k + m] * l[j * k + m];
                l[i * k + j] = value / root;
            }
        }
        var inverse = new double[k * k];
        var column = new double[k];
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < k; i++)
            {
                double value = i == c ? 1 : 0;
                for (int m = 0; m < i; m++) value -= l[i * k + m] * column[m];
                column[i] = value / l[i * k + i];
            }
            for (int i = k - 1; i >= 0; i--)
            {
                double value = column[i];
                for (int m = i + 1; m < k; m++) value -= l[m * k + i] * inverse[m * k + c];
                inverse[i * k + c] = value / l[i * k + i];
            }
        }
        return inverse;
    }
}
