using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// The LATE: the point estimate against iv_robust(y ~ d | z), the delta-method SE against the same formula
/// evaluated in R from HC2 sandwich covariances of y ~ z and d ~ z (and, post-stratified, from
/// difference_in_means(blocks =) and within-stratum covariances).
/// </summary>
public sealed class WaldIvTests
{
    [Fact]
    public void UnstratifiedMatchesIvRobustAndSandwichDeltaMethod()
    {
        ReferenceData r = ReferenceData.Shared;
        WaldIvResult result = WaldIv.Estimate(r.Y, r.Z, r.D);
        ReferenceAssert.Close(r["iv_robust.late"], result.Late.Value, "LATE vs iv_robust");
        ReferenceAssert.Matches(result.Late, "wald.late");
        ReferenceAssert.Close(r["wald.itt"], result.Itt.Value, "ITT");
        ReferenceAssert.Close(r["wald.itt_se"], result.Itt.StandardError, "se(ITT)");
        ReferenceAssert.Close(r["wald.rate"], result.ComplianceRate.Value, "compliance rate");
        ReferenceAssert.Close(r["wald.rate_se"], result.ComplianceRate.StandardError, "se(compliance rate)");
        ReferenceAssert.Close(r["wald.cov"], result.IttComplianceCovariance, "cov(ITT, rate)");
    }

    [Fact]
    public void PostStratifiedMatchesR()
    {
        ReferenceData r = ReferenceData.Shared;
        WaldIvResult result = WaldIv.Estimate(r.Y, r.Z, r.D, r.Stratum.AsSpan());
        ReferenceAssert.Matches(result.Itt, "ps");
        ReferenceAssert.Close(r["wald_ps.rate"], result.ComplianceRate.Value, "compliance rate");
        ReferenceAssert.Close(r["wald_ps.rate_se"], result.ComplianceRate.StandardError, "se(compliance rate)");
        ReferenceAssert.Close(r["wald_ps.cov"], result.IttComplianceCovariance, "cov(ITT, rate)");
        ReferenceAssert.Matches(result.Late, "wald_ps.late");
    }

    [Fact]
    public void ControlUnitThatReceivedTreatmentIsRejected()
    {
        double[] y = [1, 2, 3, 4];
        bool[] z = [true, true, false, false];
        bool[] d = [true, false, true, false];
        Assert.Throws<ArgumentException>(() => WaldIv.Estimate(y, z, d));
    }
}
