using System.Globalization;

namespace GpuInference.Graph.CloseFriends;

/// <summary>Parses sizes written as people write them: <c>256M</c>, <c>2G</c>, <c>1.5GiB</c>, <c>65536</c> (bytes).</summary>
public static class MemorySize
{
    /// <summary>
    /// A number with an optional binary suffix K, M, G or T (powers of 1024; "B", "iB" may follow, any case).
    /// False for anything else, for a negative size or one beyond <see cref="long.MaxValue"/>.
    /// </summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string s = text.Trim();
        if (s.EndsWith("iB", StringComparison.OrdinalIgnoreCase)) s = s[..^2];
        else if (s.EndsWith('B') || s.EndsWith('b')) s = s[..^1];
        double scale = 1;
        if (s.Length > 0)
        {
            switch (char.ToUpperInvariant(s[^1]))
            {
                case 'K': scale = 1L << 10; s = s[..^1]; break;
                case 'M': scale = 1L << 20; s = s[..^1]; break;
                case 'G': scale = 1L << 30; s = s[..^1]; break;
                case 'T': scale = 1L << 40; s = s[..^1]; break;
            }
        }
        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number)) return false;
        double value = Math.Floor(number * scale);
        if (!(value >= 0 && value < long.MaxValue)) return false;
        bytes = (long)value;
        return true;
    }

    /// <summary>A size for messages: <c>256 MiB</c>, <c>2 GiB</c>, <c>1,000 bytes</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.##} KiB",
        _ => $"{bytes:N0} bytes",
    };
}
