using System.Globalization;

namespace GpuInference.Data;

/// <summary>Parsers for CSV fields given as UTF-8 bytes: invariant culture, no allocation.</summary>
internal static class Utf8Fields
{
    /// <summary>
    /// Parses an integer written the one canonical way (<c>-?(0|[1-9][0-9]*)</c>, fitting a long). Anything else
    /// ("007", "+7", " 7") is left to the string path, so that treating ids as integers never merges two ids that
    /// differ as text.
    /// </summary>
    public static bool TryParseCanonicalInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        bool negative = text.Length > 0 && text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.Length == 0 || digits.Length > 19) return false;
        if (digits[0] == (byte)'0' && (digits.Length > 1 || negative)) return false;
        ulong magnitude = 0;
        foreach (byte b in digits)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9) return false;
            magnitude = magnitude * 10 + digit; // 19 digits cannot overflow a ulong
        }
        if (negative)
        {
            if (magnitude > 1UL << 63) return false;
            value = (long)(0 - magnitude);
        }
        else
        {
            if (magnitude > long.MaxValue) return false;
            value = (long)magnitude;
        }
        return true;
    }

    /// <summary>Parses a finite real number (surrounding spaces allowed).</summary>
    public static bool TryParseFiniteDouble(ReadOnlySpan<byte> text, out double value) =>
        TryParseSmallWholeNumber(text, out value)
        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// A run of at most 15 ASCII digits, such as the 0/1 outcomes that fill a nodes file: below 2^53, so the double
    /// is exactly the integer, as <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>
    /// would give it, at a fraction of the cost. Anything else is left to that general parser.
    /// </summary>
    private static bool TryParseSmallWholeNumber(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 15) return false;
        long whole = 0;
        foreach (byte b in text)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9) return false;
            whole = whole * 10 + digit;
        }
        value = whole;
        return true;
    }

    /// <summary>Parses a finite single-precision number (surrounding spaces allowed).</summary>
    public static bool TryParseFiniteSingle(ReadOnlySpan<byte> text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    /// <summary>Reads a 0/1 flag; surrounding spaces are allowed, nothing else.</summary>
    public static bool TryParseBit(ReadOnlySpan<byte> text, out byte value)
    {
        text = text.Trim((byte)' ');
        value = 0;
        if (text.Length != 1) return false;
        if (text[0] == (byte)'0') return true;
        if (text[0] == (byte)'1') { value = 1; return true; }
        return false;
    }
}
