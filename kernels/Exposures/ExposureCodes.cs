namespace GpuInference.Kernels.Exposures;

/// <summary>
/// The exposure kinds as the kernels number them (the order of the formula's <c>ExposureKind</c>, which a test
/// holds to), and the one switch from a kind's number to its struct. A model mixes kinds, so a kernel that walks a
/// unit's friends once for all its terms picks each term's struct here; every branch calls the struct's own
/// <see cref="IExposure.Value"/>, so there is still one definition of each exposure.
/// </summary>
public static class ExposureCodes
{
    public const int Count = 0;
    public const int Share = 1;
    public const int Any = 2;
    public const int AtLeast = 3;
    public const int WeightedSum = 4;
    public const int WeightedShare = 5;

    /// <summary>Whether the kind reads tie weights.</summary>
    public static bool IsWeighted(int kind) => kind is WeightedSum or WeightedShare;

    /// <summary>The exposure of kind <paramref name="kind"/> (with threshold <paramref name="k"/> for atleast).</summary>
    public static double Value(int kind, int k, int treated, int degree, double treatedWeight, double weight)
    {
        if (kind == Count) return default(CountExposure).Value(treated, degree, treatedWeight, weight);
        if (kind == Share) return default(ShareExposure).Value(treated, degree, treatedWeight, weight);
        if (kind == Any) return default(AnyExposure).Value(treated, degree, treatedWeight, weight);
        if (kind == AtLeast) return new AtLeastExposure(k).Value(treated, degree, treatedWeight, weight);
        if (kind == WeightedSum) return default(WeightedSumExposure).Value(treated, degree, treatedWeight, weight);
        return default(WeightedShareExposure).Value(treated, degree, treatedWeight, weight);
    }
}
