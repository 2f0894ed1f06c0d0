namespace GpuInference.Estimation;

/// <summary>
/// How <see cref="OrdinaryLeastSquares"/> estimates the covariance of the coefficients. With e the residuals, h the
/// leverages and p the model's rank (absorbed fixed-effect groups included), each heteroskedasticity-consistent
/// type is (XᵀX)⁻¹ Xᵀ diag(ω) X (XᵀX)⁻¹ with the ω below.
/// </summary>
public enum CovarianceType
{
    /// <summary>Homoskedastic: σ² (XᵀX)⁻¹ with σ² = Σe² / (n − p).</summary>
    Classical,

    /// <summary>White's estimator: ω = e².</summary>
    HC0,

    /// <summary>HC0 scaled by n / (n − p).</summary>
    HC1,

    /// <summary>ω = e² / (1 − h); unbiased under homoskedasticity, estimatr's default.</summary>
    HC2,

    /// <summary>ω = e² / (1 − h)², close to the jackknife.</summary>
    HC3,
}
