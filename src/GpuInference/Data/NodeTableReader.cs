
namespace GpuInference.Data;

/// <summary>Reads the nodes file (CSV, plain or gzip, or Parquet) into a <see cref="NodeTable"/> with its id index.</summary>
public static class NodeTableReader
{
    /// <summary>
    /// Reads <paramref name="path"/>. Throws <see cref="DataFormatException"/> (<c>path:line:field: problem</c>) for a
    /// missing column, a wrong field count, a non-numeric outcome or one beyond
    /// <see cref="NodeTableOptions.MaxOutcomeMagnitude"/>, a treatment or logged_in other than 0/1, a blank id, a
    /// blank vote2010 or one outside <see cref="NodeTableOptions.Vote2010Levels"/>, a repeated id, text that is not
    /// UTF-8, a repeated column name, a cut or damaged gzip file, or an empty file. A Parquet file gets the same
    /// checks, as <c>path: column 'c', row group g, row r: problem</c>, and a column of the wrong type (text where a
    /// number is needed) or a cut file is an error too.
    /// </summary>
    public static NodeTable Read(string path, NodeTableOptions? options = null)
    {
        options ??= new NodeTableOptions();
        using IRecordSource csv = RecordFile.Open(path);
        int idAt = csv.Require(options.IdColumn, ColumnKind.Id);
        int outcomeAt = csv.Require(options.OutcomeColumn, ColumnKind.Number);
        int bannerAt = csv.Require(options.BannerColumn, ColumnKind.Number);
        int feedAt = csv.Require(options.FeedColumn, ColumnKind.Number);
        int voteAt = csv.Require(options.Vote2010Column, ColumnKind.Any);
        int loggedAt = csv.Optional(options.LoggedInColumn, ColumnKind.Number);

        var ids = new NodeIdCollector(csv, options.IdColumn, idAt);
        var outcome = new GrowableArray<double>(1 << 16);
        var cells = new GrowableArray<TreatmentCell>(1 << 16);
        var vote = new GrowableArray<byte>(1 << 16);
        var logged = new GrowableArray<byte>(loggedAt >= 0 ? 1 << 16 : 1);
        var levels = new CategoryCoder();
        byte[][]? allowedLevels = options.Vote2010Levels?.Select(level => System.Text.Encoding.UTF8.GetBytes(level.Trim())).ToArray();

        while (csv.ReadRecord())
        {
            // Spaces around an id are trimmed like those around every other field, here and in the edges file.
            ids.Add(csv);

            outcome.Add(ReadOutcome(csv, outcomeAt, options.OutcomeColumn));

            byte banner = ReadBit(csv, bannerAt, options.BannerColumn);
            byte feed = ReadBit(csv, feedAt, options.FeedColumn);
            cells.Add((TreatmentCell)(banner * (int)TreatmentCell.Banner | feed * (int)TreatmentCell.Feed));

            CheckVote2010(csv, voteAt, options, allowedLevels);
            if (!levels.TryCode(csv[voteAt], out byte code))
                throw csv.Error(voteAt, $"{options.Vote2010Column} has more than 256 distinct values");
            vote.Add(code);

            if (loggedAt >= 0) logged.Add(ReadBit(csv, loggedAt, options.LoggedInColumn));
        }

        var index = ids.Build();
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

    private static void CheckVote2010(IRecordSource csv, int at, NodeTableOptions options, byte[][]? allowed)
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

    /// <summary>The outcome; NaN for an empty cell. A number the file stores as one is taken as stored, which is what its text parses to.</summary>
    private static double ReadOutcome(IRecordSource csv, int at, string column)
    {
        if (!csv.TryGetStoredFiniteNumber(at, out double value))
        {
            var text = csv[at];
            if (text.Trim((byte)' ').IsEmpty) return double.NaN;
            if (!Utf8Fields.TryParseFiniteDouble(text, out value)) throw csv.Error(at, $"{column} is not a number: {DataFormatException.Quote(text)}");
        }
        if (Math.Abs(value) > NodeTableOptions.MaxOutcomeMagnitude)
            throw csv.Error(at, $"{column} {DataFormatException.Quote(csv[at])} is larger in magnitude than {NodeTableOptions.MaxOutcomeMagnitude:0e0} (a unit or parsing mistake?)");
        return value;
    }

    private static byte ReadBit(IRecordSource csv, int at, string column) =>
        csv.TryGetStoredInteger(at, out long stored) && stored is 0 or 1 ? (byte)stored
        : Utf8Fields.TryParseBit(csv[at], out byte bit) ? bit
        : throw csv.Error(at, $"{column} must be 0 or 1, found {DataFormatException.Quote(csv[at])}");
}
