namespace GpuInference.Backends.Devices;

/// <summary>
/// The start-up self-test every device runs before it is used: Philox4x32-10 on the zero counter and key, the first
/// Random123 known-answer vector. A device or driver that gets it wrong is refused.
/// </summary>
internal static class PhiloxKnownAnswer
{
    /// <summary>Counter (4 words) then key (2 words).</summary>
    public static ReadOnlySpan<uint> Input => [0, 0, 0, 0, 0, 0];

    public static ReadOnlySpan<uint> Expected => [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8];

    public const uint Rounds = 10;

    /// <summary>Throws <see cref="BackendUnavailableException"/> when <paramref name="actual"/> is not the known answer.</summary>
    public static void Verify(ReadOnlySpan<uint> actual, string device)
    {
        if (actual.SequenceEqual(Expected)) return;
        throw new Backends.BackendUnavailableException(
            $"{device} failed the Philox4x32-10 self-test: got {Hex(actual)}, expected {Hex(Expected)}; refusing the device");
    }

    private static string Hex(ReadOnlySpan<uint> words)
    {
        var parts = new string[words.Length];
        for (int i = 0; i < words.Length; i++) parts[i] = words[i].ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(' ', parts);
    }
}
