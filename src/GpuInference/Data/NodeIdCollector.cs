namespace GpuInference.Data;

/// <summary>
/// Collects the id column of a nodes file, row by row, and turns it into a <see cref="NodeIdIndex"/>: integer ids
/// while every id is a canonical integer, text from the first one that is not. A repeated id is an error naming both
/// lines. Shared by every reader of a nodes file.
/// </summary>
internal sealed class NodeIdCollector(IRecordSource source, string column, int columnIndex)
{
    private GrowableArray<long> _integers = new(1 << 16);
    private List<string>? _strings;

    /// <summary>Adds the id in field <c>columnIndex</c> of the current record; spaces around it are trimmed, a blank one is an error.</summary>
    public void Add(IRecordSource csv)
    {
        // An integer the file stores as one is the integer its text spells: no need to write and parse that text.
        if (_strings is null && csv.TryGetStoredInteger(columnIndex, out long stored))
        {
            _integers.Add(stored);
            return;
        }
        ReadOnlySpan<byte> text = csv[columnIndex].Trim((byte)' ');
        if (text.IsEmpty) throw csv.Error(columnIndex, $"{column} is empty");
        if (_strings is null && Utf8Fields.TryParseCanonicalInteger(text, out long id))
        {
            _integers.Add(id);
            return;
        }
        // The first non-integer id switches every id to text; canonical integers print back unchanged.
        SwitchToText();
        _strings!.Add(System.Text.Encoding.UTF8.GetString(text));
    }

    /// <summary>Adds ids stored as integers, for a collector that has seen no text id (a row group read column by column).</summary>
    public void AddIntegers(ReadOnlySpan<long> ids)
    {
        if (_strings is not null) throw new InvalidOperationException("ids are text already");
        _integers.AddRange(ids);
    }

    /// <summary>
    /// Appends the ids of <paramref name="later"/>, collected from the rows that follow these, as if one collector had
    /// seen them all: integers while both hold integers, text for all once either holds text.
    /// </summary>
    public void Append(NodeIdCollector later)
    {
        if (_strings is null && later._strings is null)
        {
            _integers.AddRange(later._integers.Span);
            return;
        }
        SwitchToText();
        if (later._strings is not null) _strings!.AddRange(later._strings);
        else foreach (long id in later._integers.Span) _strings!.Add(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private void SwitchToText()
    {
        if (_strings is not null) return;
        _strings = new List<string>(checked((int)_integers.Count * 2 + 16));
        foreach (long earlier in _integers.Span) _strings.Add(earlier.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _integers = default;
    }

    /// <summary>The index of every id added, or <see cref="DataFormatException"/> naming the lines of a repeated id.</summary>
    public NodeIdIndex Build()
    {
        NodeIdIndex index;
        int first, second;
        bool unique;
        string repeated;
        if (_strings is null)
        {
            var ids = _integers.ToTrimmedArray();
            unique = NodeIdIndex.TryFromIntegers(ids, out index, out first, out second);
            repeated = unique ? "" : ids[second].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            var ids = _strings.ToArray();
            unique = NodeIdIndex.TryFromStrings(ids, out index, out first, out second);
            repeated = unique ? "" : ids[second];
        }
        if (unique) return index;
        // Repeats are found after reading, when record lines are gone; a CSV file is read again to name both lines (errors are rare).
        long firstMark = source.MarkOf(first);
        long secondMark = source.MarkOf(second);
        string where = source.Where(firstMark);
        throw source.ErrorAt(secondMark, columnIndex, $"duplicate node id '{repeated}' (first {(source is CsvRecordSource ? "on" : "at")} {where})");
    }
}
