namespace GpuInference.Inference.Models;

/// <summary>
/// The joint Wald statistic βᵀ W β over the tested coefficients, W = V⁻¹. With coefficients as the statistic, V is
/// the observed fit's covariance and one W weights every permutation alike (a fixed quadratic form of the
/// coefficients); studentized tests take each permutation's own V. Both engines, the general one and the paper
/// preset's, compute it here.
/// </summary>
public static class JointWald
{
    /// <summary>The inverse of V's block over the tested terms (V is k × k, row-major), or null when that block is singular.</summary>
    public static double[]? Weights(ReadOnlySpan<double> v, int[] tested, int k)
    {
        ArgumentNullException.ThrowIfNull(tested);
        int m = tested.Length;
        var block = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++) block[a * m + b] = v[tested[a] * k + tested[b]];
        }
        return MovingFit.SymmetricInverse(block, m);
    }

    /// <summary>βᵀ W β over the tested entries of <paramref name="beta"/>; NaN when W is null (a singular covariance).</summary>
    public static double Statistic(ReadOnlySpan<double> beta, int[] tested, double[]? weights)
    {
        ArgumentNullException.ThrowIfNull(tested);
        if (weights is null) return double.NaN;
        int m = tested.Length;
        double sum = 0;
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++) sum += beta[tested[a]] * weights[a * m + b] * beta[tested[b]];
        }
        return sum;
    }
}
