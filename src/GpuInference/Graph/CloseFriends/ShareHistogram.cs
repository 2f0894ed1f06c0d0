namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// The digits of the radix selection: a share's key (the bits of its double, whose unsigned order is the shares'
/// order) read 16 bits at a time from the top, so four histograms of 65,536 counts (512 KiB) resolve any key.
/// </summary>
internal static class ShareHistogram
{
    public const int DigitBits = 16;

    public const int Buckets = 1 << DigitBits;

    /// <summary>Digit <paramref name="level"/> (0 = the top 16 bits) of <paramref name="key"/>.</summary>
    public static int Digit(ulong key, int level) => (int)(key >> (64 - DigitBits * (level + 1))) & (Buckets - 1);

    /// <summary>True when the top <paramref name="levels"/> digits of <paramref name="key"/> are <paramref name="prefix"/>.</summary>
    public static bool HasPrefix(ulong key, ulong prefix, int levels) => levels == 0 || key >> (64 - DigitBits * levels) == prefix;
}
