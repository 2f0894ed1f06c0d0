namespace GpuInference.Data;

/// <summary>Codes a categorical column to bytes, levels in order of first appearance, without a string per row.</summary>
internal sealed class CategoryCoder
{
    private readonly List<byte[]> _utf8 = [];
    private readonly List<string> _names = [];

    public string[] Levels => [.. _names];

    /// <summary>How many levels have been coded.</summary>
    public int Count => _utf8.Count;

    /// <summary>The UTF-8 text of level <paramref name="code"/>, as coded.</summary>
    public ReadOnlySpan<byte> Utf8Of(byte code) => _utf8[code];

    /// <summary>The level's code, adding the level when new; false when a 257th level would be needed.</summary>
    public bool TryCode(ReadOnlySpan<byte> text, out byte code)
    {
        text = text.Trim((byte)' ');
        // Linear search: the paper's column has three levels, so this beats hashing.
        for (int i = 0; i < _utf8.Count; i++)
        {
            if (text.SequenceEqual(_utf8[i])) { code = (byte)i; return true; }
        }
        code = 0;
        if (_utf8.Count == 256) return false;
        code = (byte)_utf8.Count;
        _utf8.Add(text.ToArray());
        _names.Add(System.Text.Encoding.UTF8.GetString(text));
        return true;
    }
}
