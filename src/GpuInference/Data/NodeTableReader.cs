using GpuInference.Design;

namespace GpuInference.Data;

/// <summary>Reads the nodes CSV (plain or gzip) into a <see cref="NodeTable"/> with its id index.</summary>
public static class NodeTableReader
{
    /// <summary>
    /// Reads <paramref name="path"/>. Throws <see cref="DataFormatException"/> (<c>path:line:field: problem</c>) for a
    /// missing column, a wrong field count, a non-numeric outcome or one beyond
    /// <see cref="NodeTableOptions.MaxOutcomeMagnitude"/>, a treatment or logged_in other than 0/1, a blank id, a
    /// blank vote2010 or one outside <see cref="NodeTableOptions.Vote2010Levels"/>, a repeated id, text that is not
    /// UTF-8, a repeated column name, a cut or damaged gzip file, or an empty file.
    /// </summary>
    public static NodeTable Read(string path, NodeTableOptions? options = null)
    {
        options ??= new NodeTableOptions();
        using var csv = CsvReader.Open(path);
        var header = CsvHeader.Read(csv);
        int idAt = CsvHeader.Require(csv, header, options.IdColumn);
        int outcomeAt = CsvHeader.Require(csv, header, options.OutcomeColumn);
        int bannerAt = CsvHeader.Require(csv, header, options.BannerColumn);
        int feedAt = CsvHeader.Require(csv, header, options.FeedColumn);
        int voteAt = CsvHeader.Require(csv, header, options.Vote2010Column);
        int loggedAt = CsvHeader.Optional(header, options.LoggedInColumn);

        var integerIds = new GrowableArray<long>(1 << 16);
        List<string>? stringIds = null;
        var outcome = new GrowableArray<double>(1 << 16);
        var cells = new GrowableArray<TreatmentCell>(1 << 16);
        var vote = new GrowableArray<byte>(1 << 16);
        var logged = new GrowableArray<byte>(loggedAt >= 0 ? 1 << 16 : 1);
        var levels = new CategoryCoder();
        byte[][]? allowedLevels = options.Vote2010Levels?.Select(level => System.Text.Encoding.UTF8.GetBytes(level.Trim())).ToArray();

        while (csv.ReadRecord())
        {
            csv.RequireFieldCount(header.Length);
            // Spaces around an id are trimmed like those around every other field, here and in the edges file.
            var idText = csv[idAt].Trim((byte)' ');
            if (idText.IsEmpty) throw csv.Error(idAt, $"{options.IdColumn} is empty");
            if (stringIds is null && Utf8Fields.TryParseCanonicalInteger(idText, out long id))
            {
                integerIds.Add(id);
            }
            else
            {
                // The first non-integer id switches every id to text; canonical integers print back unchanged.
                if (stringIds is null)
                {
                    stringIds = new List<string>(checked((int)integerIds.Count * 2 + 16));
                    foreach (long earlier in integerIds.Span) stringIds.Add(earlier.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    integerIds = default;
                }
                stringIds.Add(System.Text.Encoding.UTF8.GetString(idText));
            }

            var y = csv[outcomeAt];
            if (y.Trim((byte)' ').IsEmpty) outcome.Add(double.NaN);
            else if (!Utf8Fields.TryParseFiniteDouble(y, out double value)) throw csv.Error(outcomeAt, $"{options.OutcomeColumn} is not a number: {DataFormatException.Quote(y)}");
            else if (Math.Abs(value) > NodeTableOptions.MaxOutcomeMagnitude)
                throw csv.Error(outcomeAt, $"{options.OutcomeColumn} {DataFormatException.Quote(y)} is larger in magnitude than {NodeTableOptions.MaxOutcomeMagnitude:0e0} (a unit or parsing mistake?)");
            else outcome.Add(value);

            byte banner = ReadBit(csv, bannerAt, options.BannerColumn);
            byte feed = ReadBit(csv, feedAt, options.FeedColumn);
            cells.Add((TreatmentCell)(banner * (int)TreatmentCell.Banner | feed * (int)TreatmentCell.Feed));

            CheckVote2010(csv, voteAt, options, allowedLevels);
            if (!levels.TryCode(csv[voteAt], out byte code))
                throw csv.Error(voteAt, $"{options.Vote2010Column} has more than 256 distinct values");
            vote.Add(code);

            if (loggedAt >= 0) logged.Add(ReadBit(csv, loggedAt, options.LoggedInColumn));
        }

        var index = BuildIndex(path, idAt, integerIds, stringIds);
        return new NodeTable
        {
            Count = index.Count,
            Cells = cells.ToTrimmedArray(),
            Outcome = outcome.ToTrimmedArray(),
            Vote2010 = vote.ToTrimmedArray(),
            Vote2010Levels = levels.Levels,
            LoggedIn = loggedAt >= 0 ? logged.ToTrimmedArray() : null,
            Ids = index,
            Source = path,
        };
    }

    private static void CheckVote2010(CsvReader csv, int at, NodeTableOptions options, byte[][]? allowed)
    {
        var text = csv[at].Trim((byte)' ');
        if (text.IsEmpty) throw csv.Error(at, $"{options.Vote2010Column} is blank");
        if (allowed is null) return;
        foreach (byte[] level in allowed)
        {
            if (text.SequenceEqual(level)) return;
        }
        throw csv.Error(at, $"{options.Vote2010Column} {DataFormatException.Quote(text)} is not one of the levels {string.Join(", ", options.Vote2010Levels!)}");
    }

    private static byte ReadBit(CsvReader csv, int at, string column) =>
        Utf8Fields.TryParseBit(csv[at], out byte bit)
            ? bit
            : throw csv.Error(at, $"{column} must be 0 or 1, found {DataFormatException.Quote(csv[at])}");

    private static NodeIdIndex BuildIndex(string path, int idAt, GrowableArray<long> integerIds, List<string>? stringIds)
    {
        NodeIdIndex index;
        int first, second;
        bool unique;
        string repeated;
        if (stringIds is null)
        {
            var ids = integerIds.ToTrimmedArray();
            unique = NodeIdIndex.TryFromIntegers(ids, out index, out first, out second);
            repeated = unique ? "" : ids[second].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            var ids = stringIds.ToArray();
            unique = NodeIdIndex.TryFromStrings(ids, out index, out first, out second);
            repeated = unique ? "" : ids[second];
        }
        if (unique) return index;
        // Repeats are found after reading, when record lines are gone; read again to name both lines (errors are rare).
        long firstLine = LineOfDataRecord(path, first);
        long secondLine = LineOfDataRecord(path, second);
        throw new DataFormatException(path, secondLine, idAt + 1, $"duplicate node id '{repeated}' (first on line {firstLine})");
    }

    /// <summary>The line on which data record <paramref name="record"/> (0-based, after the header) starts.</summary>
    internal static long LineOfDataRecord(string path, int record)
    {
        using var csv = CsvReader.Open(path);
        for (int i = 0; i <= record + 1; i++) csv.ReadRecord();
        return csv.Line;
    }
}
