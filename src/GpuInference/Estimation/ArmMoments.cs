namespace GpuInference.Estimation;

/// <summary>
/// Running count, means and centred second moments of (y, d) in one arm of one stratum, updated by Welford's
/// recurrences: one pass, no catastrophic cancellation however many millions of units a stratum holds.
/// </summary>
internal struct ArmMoments
{
    public long Count;
    public double MeanY;
    public double MeanD;
    public double SquaresY;
    public double SquaresD;
    public double CrossYD;

    public void Add(double y, double d)
    {
        Count++;
        double deltaY = y - MeanY;
        double deltaD = d - MeanD;
        MeanY += deltaY / Count;
        MeanD += deltaD / Count;
        SquaresY += deltaY * (y - MeanY);
        SquaresD += deltaD * (d - MeanD);
        CrossYD += deltaY * (d - MeanD);
    }

    /// <summary>The sample variance of y (denominator Count − 1), as R's var().</summary>
    public readonly double VarianceY => SquaresY / (Count - 1);

    /// <summary>The sample variance of d (denominator Count − 1).</summary>
    public readonly double VarianceD => SquaresD / (Count - 1);

    /// <summary>The sample covariance of y and d (denominator Count − 1), as R's cov().</summary>
    public readonly double CovarianceYD => CrossYD / (Count - 1);
}
