namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// The share of a person's actions directed at one friend, kept as the exact fraction count / total so that the
/// cut-off and every comparison with it are exact (two shares that differ compare as different even where their
/// doubles are equal). Both parts are positive and count ≤ total.
/// </summary>
public readonly record struct Share(long Count, long Total) : IComparable<Share>
{
    /// <summary>The share as the nearest double (the division is correctly rounded, so this never reverses an order).</summary>
    public double Value => (double)Count / Total;

    /// <summary>Exact comparison by cross-multiplication in 128 bits.</summary>
    public int CompareTo(Share other) => ((Int128)Count * other.Total).CompareTo((Int128)other.Count * Total);

    /// <summary>The same fraction in lowest terms (1/2 for 3/6), so equal shares have one spelling.</summary>
    public Share Reduced()
    {
        long a = Count, b = Total;
        while (b != 0) (a, b) = (b, a % b);
        return a <= 1 ? this : new Share(Count / a, Total / a);
    }

    /// <summary>The bits of <see cref="Value"/>: for positive doubles their order as unsigned integers is the doubles' order.</summary>
    internal ulong Key => BitConverter.DoubleToUInt64Bits(Value);

    public override string ToString() => $"{Count}/{Total}";
}
