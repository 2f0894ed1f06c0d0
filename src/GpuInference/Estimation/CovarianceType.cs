namespace GpuInference.Estimation;

/// <summary>
/// How <see cref="OrdinaryLeastSquares"/> estimates the covariance of the coefficients. With e the residuals, h the
/// leverages and p the model's rank (absorbed fixed-effect groups included), each heteroskedasticity-consistent
/// type is (XᵀX)⁻¹ Xᵀ diag(ω) X (XᵀX)⁻¹ with the ω below. The cluster-robust types CR0–CR2 need a
/// <see cref="Clusters"/> variable and sum the scores within each cluster g first:
/// (XᵀX)⁻¹ (Σ_g X_gᵀ A_g e_g e_gᵀ A_g X_g) (XᵀX)⁻¹, with A_g = I for CR0 and CR1; their intervals and p-values use
/// Student's t on G − 1 degrees of freedom (CR0, CR1) or on Bell–McCaffrey's (CR2), as estimatr reports them.
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

    /// <summary>Liang–Zeger cluster-robust covariance, no small-sample factor (estimatr's "CR0").</summary>
    CR0,

    /// <summary>
    /// CR0 scaled by G/(G − 1)·(n − 1)/(n − K), as Stata and fixest compute it: K counts every estimated coefficient
    /// including absorbed fixed effects, except fixed effects nested within the clusters (see
    /// <see cref="SmallSampleCorrection"/>, whose default is fixest's ssc(fixef.K = "nested")).
    /// </summary>
    CR1,

    /// <summary>
    /// Bell–McCaffrey: A_g = (I − H_gg)^(−1/2) with H_gg the cluster's block of the hat matrix of the full model
    /// (absorbed fixed effects included), as estimatr's lm_robust(se_type = "CR2") and clubSandwich compute it; each
    /// coefficient's t reference has Bell–McCaffrey's Satterthwaite degrees of freedom.
    /// </summary>
    CR2,
}
