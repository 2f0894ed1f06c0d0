namespace GpuInference.Model.Exposures;

/// <summary>The exposure functions a formula can name.</summary>
public enum ExposureKind
{
    /// <summary><c>count(T)</c></summary>
    Count,

    /// <summary><c>share(T)</c></summary>
    Share,

    /// <summary><c>any(T)</c></summary>
    Any,

    /// <summary><c>atleast(T, k)</c></summary>
    AtLeast,

    /// <summary><c>wsum(T)</c></summary>
    WeightedSum,

    /// <summary><c>wshare(T)</c></summary>
    WeightedShare,
}
