namespace GpuInference.Model.Formula;

/// <summary>How an exposure term summarises a unit's friends' treatment T (friends are the unit's out-neighbours in
/// the edges file).</summary>
public enum ExposureKind
{
    /// <summary><c>count(T)</c>: the number of friends with T.</summary>
    Count,

    /// <summary><c>share(T)</c>: the fraction of friends with T.</summary>
    Share,

    /// <summary><c>any(T)</c>: 1 if at least one friend has T, else 0.</summary>
    Any,

    /// <summary><c>atleast(T, k)</c>: 1 if at least k friends have T, else 0.</summary>
    AtLeast,

    /// <summary><c>wsum(T)</c>: the sum of the tie weights of friends with T.</summary>
    WeightedSum,

    /// <summary><c>wshare(T)</c>: the tie weight of friends with T over the tie weight of all friends.</summary>
    WeightedShare,
}
