namespace GpuInference.Kernels.Exposures;

/// <summary>
/// The exposure kinds as the host numbers them in a laid-out model (the order of the formula's <c>ExposureKind</c>,
/// which a test holds to). The kernels never branch on them: <c>Models.Atoms.AtomTypes</c> turns a model's codes
/// into the type the kernels are compiled for.
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
}
