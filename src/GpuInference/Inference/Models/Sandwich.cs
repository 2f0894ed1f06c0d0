namespace GpuInference.Inference.Models;

/// <summary>
/// The pieces of a permutation's covariance that do not depend on how the meat was summed: how many parameters the
/// small-sample scales count, the scales themselves, and V = scale · A⁻¹ · meat · A⁻¹. Shared by the reference fit
/// and the batched one, so the two differ only in how their sums were taken.
/// </summary>
internal static class Sandwich
{
    /// <summary>
    /// Parameters counted in (n − K): every estimated coefficient including absorbed fixed effects, except that
    /// fixed effects nested in the clusters count as one (fixest's <c>fixef.K = "nested"</c>).
    /// </summary>
    public static int Parameters(PermutationCovariance covariance, FixedPart fixedPart, int k) =>
        covariance.IsClustered && covariance.FixedEffectsNestedInClusters && fixedPart.GroupCount > 0
            ? k + fixedPart.CovariateRank + 1
            : k + fixedPart.Rank;

    /// <summary>The scale of the sandwich: σ² for classical (from <paramref name="rss"/>), n/(n − K) for HC1, G/(G − 1)·(n − 1)/(n − K) for CR1, else 1.</summary>
    public static double Scale(PermutationCovariance covariance, int n, int parameters, double rss) => covariance.Type switch
    {
        "Classical" => rss / (n - parameters),
        "HC1" => (double)n / (n - parameters),
        "CR1" => (double)covariance.ClusterCount / (covariance.ClusterCount - 1) * (n - 1) / (n - parameters),
        _ => 1.0,
    };

    /// <summary>V = scale · A⁻¹ · meat · A⁻¹ (k × k, row-major).</summary>
    public static void Assemble(double[] inverse, double[] meat, double scale, int k, Span<double> v)
    {
        var temp = new double[k * k];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
            {
                double sum = 0;
                for (int m = 0; m < k; m++) sum += inverse[a * k + m] * meat[m * k + b];
                temp[a * k + b] = sum;
            }
        }
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
            {
                double sum = 0;
                for (int m = 0; m < k; m++) sum += temp[a * k + m] * inverse[m * k + b];
                v[a * k + b] = scale * sum;
            }
        }
    }
}
