using GpuInference.Estimation;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// y ~ x1 + x2 with cluster-robust covariances (CR0, CR1, CR2), against estimatr::lm_robust and sandwich::vcovCL:
/// without fixed effects, with clusters nested in the fixed effects (sessions within village fixed effects) and with
/// fixed effects nested in the clusters (session fixed effects, village clusters), where fixest's CR1 and estimatr's
/// "stata" type part ways.
/// </summary>
public sealed class ClusterRobustTests
{
    private static readonly string[] Slopes = ["x1", "x2"];

    private static FixedEffects SessionEffects(ClusterReferenceData r)
    {
        var codes = new Dictionary<string, int>();
        int[] coded = r.Session.Select(s => codes.TryGetValue(s, out int c) ? c : codes[s] = codes.Count).ToArray();
        return FixedEffects.FromCodes("session", coded.AsSpan());
    }

    /// <summary>Fits y ~ x1 + x2 with <paramref name="fixedEffect"/> absorbed ("none", "village", "session").</summary>
    internal static OlsResult Fit(CovarianceType type, string fixedEffect, string cluster, SmallSampleCorrection? smallSample = null)
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        var design = new DesignMatrix(r.Rows);
        if (fixedEffect == "none") design.AddIntercept();
        design.AddColumn("x1", r.X1).AddColumn("x2", r.X2);
        FixedEffects? effects = fixedEffect switch
        {
            "none" => null,
            "village" => FixedEffects.FromCodes("village", r.Village.AsSpan()),
            "session" => SessionEffects(r),
            _ => throw new ArgumentOutOfRangeException(nameof(fixedEffect)),
        };
        Clusters clusters = cluster switch
        {
            "village" => Clusters.FromIds("village", r.Village.AsSpan()),
            "session" => Clusters.FromLabels("session", r.Session),
            // As the R script builds it: (row number − 1) mod 7, crossing the villages.
            "crossed" => Clusters.FromIds("crossed", Enumerable.Range(0, r.Rows).Select(i => i % 7).ToArray().AsSpan()),
            _ => throw new ArgumentOutOfRangeException(nameof(cluster)),
        };
        return OrdinaryLeastSquares.Fit(design, r.Y, type, effects, clusters, smallSample);
    }

    private static void MatchesR(OlsResult fit, string prefix, bool hasClusterCount = true)
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        foreach (string name in fit.Names)
        {
            string key = $"{prefix}.{name}";
            Estimate e = fit.Estimate(name);
            ReferenceAssert.Close(r[key + ".estimate"], e.Value, key + " estimate");
            ReferenceAssert.Close(r[key + ".se"], e.StandardError, key + " standard error");
            ReferenceAssert.Close(r[key + ".df"], fit.DegreesOfFreedom(name), key + " df");
            ReferenceAssert.Close(r[key + ".ci_low"], e.CiLow, key + " CI low", 1e-9);
            ReferenceAssert.Close(r[key + ".ci_high"], e.CiHigh, key + " CI high", 1e-9);
            ReferenceAssert.Close(r[key + ".p"], e.P, key + " p", 1e-9);
        }
        if (hasClusterCount) Assert.Equal((int)r[prefix + ".clusters"], fit.ClusterCount);
        Assert.Equal(r["n"], fit.N);
    }

    [Theory]
    [InlineData(CovarianceType.CR0, "CR0")]
    [InlineData(CovarianceType.CR1, "CR1")]
    [InlineData(CovarianceType.CR2, "CR2")]
    public void WithoutFixedEffectsMatchesLmRobust(CovarianceType type, string label)
    {
        OlsResult fit = Fit(type, "none", "village");
        MatchesR(fit, $"plain.{label}");
        Assert.Equal(["(Intercept)", "x1", "x2"], fit.Names);
        Assert.Equal(ClusterReferenceData.Shared["plain.CR0.df_residual"], fit.ResidualDegreesOfFreedom);
    }

    [Theory]
    [InlineData(CovarianceType.CR0, "CR0")]
    [InlineData(CovarianceType.CR1, "CR1")]
    [InlineData(CovarianceType.CR2, "CR2")]
    public void ClustersNestedInFixedEffectsMatchLmRobust(CovarianceType type, string label)
    {
        // Sessions within village fixed effects: no fixed effect lies within one cluster, so fixest's nested rule
        // counts all twelve and CR1 equals estimatr's "stata" type.
        OlsResult fit = Fit(type, "village", "session");
        MatchesR(fit, $"cl_in_fe.{label}");
        Assert.Equal(ClusterReferenceData.Shared["cl_in_fe.CR0.df_residual"], fit.ResidualDegreesOfFreedom);
    }

    [Theory]
    [InlineData(CovarianceType.CR0, "CR0")]
    [InlineData(CovarianceType.CR2, "CR2")]
    public void FixedEffectsNestedInClustersMatchLmRobust(CovarianceType type, string label)
    {
        // Session fixed effects within village clusters: CR2's I − H_gg is singular along each session's dummy and
        // the pseudo-inverse square root must match estimatr's.
        MatchesR(Fit(type, "session", "village"), $"fe_in_cl.{label}");
    }

    [Theory]
    [InlineData(CovarianceType.CR1, "CR1")]
    [InlineData(CovarianceType.CR2, "CR2")]
    public void ClustersCrossingFixedEffectsMatchLmRobust(CovarianceType type, string label)
    {
        // Each cluster touches several villages and each village several clusters: CR2's df then sums over the fixed
        // effects' coordinates shared between clusters, a part the nested designs leave at zero.
        MatchesR(Fit(type, "village", "crossed"), $"crossed.{label}");
    }

    [Fact]
    public void Cr1WithNestedFixedEffectsFollowsFixest()
    {
        // fixest's ssc(fixef.K = "nested"): K = 2 slopes + 1, not 2 + 36 sessions.
        OlsResult fit = Fit(CovarianceType.CR1, "session", "village");
        MatchesR(fit, "fe_in_cl.CR1", hasClusterCount: false);
        ReferenceAssert.Close(ClusterReferenceData.Shared["fe_in_cl.CR1.cov.x1.x2"], fit.Covariance("x1", "x2"), "cov(x1, x2)");
        Assert.Equal(3, SmallSampleCorrection.Fixest.ParameterCount(2, 36, nestedInClusters: true));
        Assert.Equal(ClusterReferenceData.Shared["fe_in_cl.CR1.k"], SmallSampleCorrection.Fixest.ParameterCount(2, 36, nestedInClusters: true));
    }

    [Fact]
    public void Cr1WithFullCountingMatchesEstimatrStata()
    {
        // estimatr's "stata" type (and sandwich's vcovCL HC1 on the dummy regression) counts every session in K.
        OlsResult fit = Fit(CovarianceType.CR1, "session", "village", SmallSampleCorrection.Full);
        MatchesR(fit, "fe_in_cl.stata");
        ReferenceAssert.Close(ClusterReferenceData.Shared["sandwich.fe_in_cl.HC1.x1.se"], fit.Estimate("x1").StandardError, "vcovCL HC1 se(x1)");
        Assert.Equal(ClusterReferenceData.Shared["fe_in_cl.stata.k"], SmallSampleCorrection.Full.ParameterCount(2, 36, nestedInClusters: true));
    }

    [Fact]
    public void OffDiagonalTermsMatchSandwich()
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        OlsResult cr1 = Fit(CovarianceType.CR1, "none", "village");
        ReferenceAssert.Close(r["sandwich.plain.HC1.cov.x1.x2"], cr1.Covariance("x1", "x2"), "CR1 cov(x1, x2)");
        ReferenceAssert.Close(r["sandwich.plain.HC1.cov.(Intercept).x1"], cr1.Covariance("(Intercept)", "x1"), "CR1 cov(intercept, x1)");
        ReferenceAssert.Close(r["sandwich.plain.HC0.cov.x1.x2"], Fit(CovarianceType.CR0, "none", "village").Covariance("x1", "x2"), "CR0 cov(x1, x2)");
        ReferenceAssert.Close(r["sandwich.plain.HC2.cov.x1.x2"], Fit(CovarianceType.CR2, "none", "village").Covariance("x1", "x2"), "CR2 cov(x1, x2)");
        OlsResult nested = Fit(CovarianceType.CR1, "village", "session");
        ReferenceAssert.Close(r["sandwich.cl_in_fe.HC1.x1.se"], nested.Estimate("x1").StandardError, "vcovCL HC1 se(x1)");
        ReferenceAssert.Close(r["sandwich.cl_in_fe.HC1.cov.x1.x2"], nested.Covariance("x1", "x2"), "vcovCL HC1 cov(x1, x2)");
        double[,] matrix = cr1.CovarianceMatrix();
        Assert.Equal(matrix[1, 2], matrix[2, 1]);
    }

    [Fact]
    public void AbsorbingEqualsDummyRegressionForCr2()
    {
        // The CR2 leverages include the fixed effects' own: the same SE and df as with the dummies in the design.
        ClusterReferenceData r = ClusterReferenceData.Shared;
        string[] levels = Enumerable.Range(1, 12).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int[] codes = r.Village.Select(v => v - 1).ToArray();
        var dummies = new DesignMatrix(r.Rows).AddIntercept().AddColumn("x1", r.X1).AddColumn("x2", r.X2)
            .AddDummies("village", codes.AsSpan(), levels, baseline: 0);
        OlsResult full = OrdinaryLeastSquares.Fit(dummies, r.Y, CovarianceType.CR2, null, Clusters.FromLabels("session", r.Session));
        OlsResult absorbed = Fit(CovarianceType.CR2, "village", "session");
        foreach (string name in Slopes)
        {
            ReferenceAssert.Close(full.Estimate(name).StandardError, absorbed.Estimate(name).StandardError, $"se({name})");
            ReferenceAssert.Close(full.DegreesOfFreedom(name), absorbed.DegreesOfFreedom(name), $"df({name})", 1e-9);
        }
    }

    [Fact]
    public void ClusterLabelsMayBeTextOrIntegers()
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        Clusters fromIds = Clusters.FromIds("village", r.Village.AsSpan());
        Clusters fromText = Clusters.FromLabels("village", r.Village.Select(v => $"village {v}").ToArray());
        Assert.Equal(12, fromIds.Count);
        Assert.Equal(12, fromText.Count);
        var design = new DesignMatrix(r.Rows).AddIntercept().AddColumn("x1", r.X1).AddColumn("x2", r.X2);
        OlsResult a = OrdinaryLeastSquares.Fit(design, r.Y, CovarianceType.CR2, null, fromIds);
        OlsResult b = OrdinaryLeastSquares.Fit(design, r.Y, CovarianceType.CR2, null, fromText);
        Assert.Equal(a.StandardErrors, b.StandardErrors);
        Assert.Equal("CR2:village", a.CovarianceLabel);
    }

    [Fact]
    public void NestingIsDetected()
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        Clusters villages = Clusters.FromIds("village", r.Village.AsSpan());
        Clusters sessions = Clusters.FromLabels("session", r.Session);
        Assert.True(villages.Nests(SessionEffects(r)));
        Assert.True(villages.Nests(FixedEffects.FromCodes("village", r.Village.AsSpan())));
        Assert.False(sessions.Nests(FixedEffects.FromCodes("village", r.Village.AsSpan())));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("NA")]
    [InlineData(null)]
    public void MissingClusterIsAnErrorNamingTheRow(string? missing)
    {
        var exception = Assert.Throws<MissingClusterException>(() => Clusters.FromLabels("village", ["a", "b", missing, "a"]));
        Assert.Equal(2, exception.Row);
        Assert.Contains("row 2", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'village'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusteredTypesNeedClustersAndOthersRefuseThem()
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        var design = new DesignMatrix(r.Rows).AddIntercept().AddColumn("x1", r.X1);
        Assert.Throws<ArgumentException>(() => OrdinaryLeastSquares.Fit(design, r.Y, CovarianceType.CR1));
        Assert.Throws<ArgumentException>(() => OrdinaryLeastSquares.Fit(design, r.Y, CovarianceType.HC2, null, Clusters.FromIds("village", r.Village.AsSpan())));
    }

    [Fact]
    public void OneClusterIsDegenerate()
    {
        ClusterReferenceData r = ClusterReferenceData.Shared;
        var design = new DesignMatrix(r.Rows).AddIntercept().AddColumn("x1", r.X1);
        var one = Clusters.FromIds("all", new int[r.Rows].AsSpan());
        Assert.Throws<DegenerateDesignException>(() => OrdinaryLeastSquares.Fit(design, r.Y, CovarianceType.CR1, null, one));
    }

    [Theory]
    [InlineData(FixefK.Nested, 3, 0, false, 3)]
    [InlineData(FixefK.Nested, 2, 36, true, 3)]
    [InlineData(FixefK.Nested, 2, 12, false, 14)]
    [InlineData(FixefK.Full, 2, 36, true, 38)]
    [InlineData(FixefK.None, 2, 36, false, 2)]
    public void SmallSampleRuleCountsParametersAsFixest(FixefK rule, int columns, int groups, bool nested, int expected)
    {
        var ssc = new SmallSampleCorrection(Adj: true, rule, ClusterAdj: true);
        Assert.Equal(expected, ssc.ParameterCount(columns, groups, nested));
        Assert.Equal(12.0 / 11 * 208 / (209 - expected), ssc.Factor(209, expected, 12), 14);
    }
}
