namespace GpuInference.Data;

/// <summary>
/// Input that cannot be read as what it claims to be. The message is one line that editors and terminals can jump
/// to: <c>path:line:column: what is wrong</c> for text files, where line is 1-based and column is the 1-based
/// <em>field number</em> (not the character position) of the offending CSV field; <c>path: what is wrong</c> for
/// binary pack files, which have no lines.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>An error at a field of a text file.</summary>
    public DataFormatException(string path, long line, int column, string problem)
        : base($"{path}:{line}:{column}: {problem}")
    {
        Path = path;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>An error in a file without lines (a pack file), optionally caused by an I/O exception.</summary>
    public DataFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file that is wrong.</summary>
    public string Path { get; }

    /// <summary>1-based line, or 0 when the file has no lines.</summary>
    public long Line { get; }

    /// <summary>1-based CSV field number, or 0 when the file has no fields.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>Shows a field's text inside a message: quoted, shortened, with control characters escaped, so a
    /// binary file or a huge field still gives a one-line message.</summary>
    internal static string Quote(ReadOnlySpan<byte> utf8)
    {
        const int MaxShown = 40;
        string text = System.Text.Encoding.UTF8.GetString(utf8.Length > MaxShown * 4 ? utf8[..(MaxShown * 4)] : utf8);
        var sb = new System.Text.StringBuilder(text.Length + 2);
        sb.Append('\'');
        int shown = 0;
        foreach (char c in text)
        {
            if (shown++ == MaxShown) { sb.Append('…'); break; }
            if (char.IsControl(c)) sb.Append($"\\x{(int)c:x2}");
            else sb.Append(c);
        }
        sb.Append('\'');
        return sb.ToString();
    }
}
