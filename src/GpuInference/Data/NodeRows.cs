using System.Buffers;
using System.Runtime.InteropServices;

namespace GpuInference.Data;

/// <summary>
/// The columns of a nodes file as read so far, with every check a row gets: the one place that turns records into
/// node data, whether a file is read from start to end or a Parquet file a row group at a time on several cores
/// (<see cref="ParallelParquetNodes"/>), whose parts are then joined in file order with <see cref="TryAppend"/>.
/// </summary>
internal sealed class NodeRows
{
    private readonly NodeTableOptions _options;
    private readonly int _idAt, _outcomeAt, _bannerAt, _feedAt, _voteAt, _loggedAt;
    private readonly byte[][]? _allowedLevels;
    private readonly NodeIdCollector _ids;
    private readonly CategoryCoder _levels = new();
    private GrowableArray<double> _outcome;
    private GrowableArray<TreatmentCell> _cells;
    private GrowableArray<byte> _vote;
    private GrowableArray<byte> _logged;

    /// <summary>
    /// Finds the columns in <paramref name="source"/> (a missing one, or one of the wrong type, is an error naming
    /// it); <paramref name="capacity"/> is a guess at the rows to come.
    /// </summary>
    public NodeRows(IRecordSource source, NodeTableOptions options, long capacity = 1 << 16)
    {
        _options = options;
        _idAt = source.Require(options.IdColumn, ColumnKind.Id);
        _outcomeAt = source.Require(options.OutcomeColumn, ColumnKind.Number);
        _bannerAt = source.Require(options.BannerColumn, ColumnKind.Number);
        _feedAt = source.Require(options.FeedColumn, ColumnKind.Number);
        _voteAt = source.Require(options.Vote2010Column, ColumnKind.Any);
        _loggedAt = source.Optional(options.LoggedInColumn, ColumnKind.Number);
        _ids = new NodeIdCollector(source, options.IdColumn, _idAt);
        _outcome = new GrowableArray<double>(capacity);
        _cells = new GrowableArray<TreatmentCell>(capacity);
        _vote = new GrowableArray<byte>(capacity);
        _logged = new GrowableArray<byte>(_loggedAt >= 0 ? capacity : 1);
        _allowedLevels = options.Vote2010Levels?.Select(level => System.Text.Encoding.UTF8.GetBytes(level.Trim())).ToArray();
    }

    /// <summary>Reads every record <paramref name="source"/> has left.</summary>
    public void ReadAll(IRecordSource source)
    {
        while (source.ReadRecord()) Add(source);
    }

    /// <summary>
    /// Reads the next row group of <paramref name="file"/> column by column, when its columns are stored as what a row
    /// needs: integer ids, numeric outcomes and integer 0/1 columns, with no null id or 0/1 value and no outcome a
    /// row would reject. Taking each such column whole spares every row the record-by-record calls, and gives the
    /// numbers those would. False when any column or value is otherwise: these rows are then of no use, and
    /// <see cref="ReadAll"/> on fresh ones after <see cref="ParquetRecordSource.RewindRowGroup"/> accepts or names
    /// what is there. The vote2010 text is checked and coded row by row either way.
    /// </summary>
    public bool TryReadByColumns(ParquetRecordSource file)
    {
        if (!file.ReadRowGroup(out int rows)) return true;
        if (!file.HoldsSignedIntegers(_idAt) || !file.HoldsSignedIntegers(_bannerAt) || !file.HoldsSignedIntegers(_feedAt)
            || (_loggedAt >= 0 && !file.HoldsSignedIntegers(_loggedAt)))
            return false;
        long[] values = ArrayPool<long>.Shared.Rent(rows);
        bool[] isNull = ArrayPool<bool>.Shared.Rent(rows);
        try
        {
            var numbers = values.AsSpan(0, rows);
            var nulls = isNull.AsSpan(0, rows);
            var ids = Integers(file, _idAt, numbers, nulls, out var idNulls);
            if (idNulls.Contains(true)) return false;
            _ids.AddIntegers(ids);

            if (!file.TryCopyNumbers(_outcomeAt, _outcome.Append(rows))) return false;
            foreach (double outcome in _outcome.Span[^rows..])
            {
                if (Math.Abs(outcome) > NodeTableOptions.MaxOutcomeMagnitude) return false;
            }

            var cells = _cells.Append(rows);
            if (!TryCopyBits(file, _bannerAt, numbers, nulls, MemoryMarshal.Cast<TreatmentCell, byte>(cells), 0)) return false;
            if (!TryCopyBits(file, _feedAt, numbers, nulls, MemoryMarshal.Cast<TreatmentCell, byte>(cells), 1)) return false;
            if (_loggedAt >= 0 && !TryCopyBits(file, _loggedAt, numbers, nulls, _logged.Append(rows), 0)) return false;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(values);
            ArrayPool<bool>.Shared.Return(isNull);
        }
        // A few levels repeat over millions of rows: a cell whose bytes match one already checked and coded takes
        // that code, without trimming, checking and coding it again.
        var seen = new List<(byte[] Cell, byte Code)>(8);
        var votes = _vote.Append(rows);
        for (int row = 0; row < rows; row++)
        {
            file.SeekRow(row);
            ReadOnlySpan<byte> cell = file[_voteAt];
            int known = seen.Count - 1;
            while (known >= 0 && !cell.SequenceEqual(seen[known].Cell)) known--;
            if (known >= 0)
            {
                votes[row] = seen[known].Code;
                continue;
            }
            votes[row] = ReadVote2010(file);
            if (seen.Count < 8) seen.Add((cell.ToArray(), votes[row]));
        }
        return true;
    }

    /// <summary>
    /// Column <paramref name="at"/> as 0/1 values ORed into <paramref name="bits"/> at bit <paramref name="shift"/>;
    /// false at a null or any other value.
    /// </summary>
    private static bool TryCopyBits(ParquetRecordSource file, int at, Span<long> buffer, Span<bool> nullBuffer, Span<byte> bits, int shift)
    {
        var values = Integers(file, at, buffer, nullBuffer, out var isNull);
        if (isNull.Contains(true)) return false;
        if (shift == 0) bits.Clear();
        for (int row = 0; row < bits.Length; row++)
        {
            if ((ulong)values[row] > 1) return false;
            bits[row] |= (byte)(values[row] << shift);
        }
        return true;
    }

    /// <summary>
    /// Integer column <paramref name="at"/> of the row group loaded, with its null marks (empty when no row can be
    /// null): as the page reader decoded it where it did, else copied into the buffers given.
    /// </summary>
    private static ReadOnlySpan<long> Integers(ParquetRecordSource file, int at, Span<long> buffer, Span<bool> nullBuffer, out ReadOnlySpan<bool> isNull)
    {
        if (file.TryGetDecodedIntegers(at, out var values, out isNull)) return values;
        file.CopyIntegers(at, buffer, nullBuffer);
        isNull = nullBuffer;
        return buffer;
    }

    /// <summary>
    /// Appends the rows of <paramref name="later"/>, read from the rows that follow these: the same columns as reading
    /// both in one go, vote2010 levels coded in order of first appearance over the whole. False when the two together
    /// have more levels than a byte codes; these rows are then half joined and of no use, and reading the file in one
    /// go names the row.
    /// </summary>
    public bool TryAppend(NodeRows later)
    {
        Span<byte> recode = stackalloc byte[256];
        for (int code = 0; code < later._levels.Count; code++)
        {
            if (!_levels.TryCode(later._levels.Utf8Of((byte)code), out recode[code])) return false;
        }
        foreach (byte code in later._vote.Span) _vote.Add(recode[code]);
        _outcome.AddRange(later._outcome.Span);
        _cells.AddRange(later._cells.Span);
        if (_loggedAt >= 0) _logged.AddRange(later._logged.Span);
        _ids.Append(later._ids);
        return true;
    }

    /// <summary>The table of every row read, with its id index (a repeated id is an error naming both rows).</summary>
    public NodeTable ToTable(string path)
    {
        var index = _ids.Build();
        return new NodeTable
        {
            Count = index.Count,
            Cells = _cells.ToTrimmedArray(),
            Outcome = _outcome.ToTrimmedArray(),
            Vote2010 = _vote.ToTrimmedArray(),
            Vote2010Levels = _levels.Levels,
            LoggedIn = _loggedAt >= 0 ? _logged.ToTrimmedArray() : null,
            Ids = index,
            Source = path,
        };
    }

    private void Add(IRecordSource csv)
    {
        // Spaces around an id are trimmed like those around every other field, here and in the edges file.
        _ids.Add(csv);

        _outcome.Add(ReadOutcome(csv, _outcomeAt, _options.OutcomeColumn));

        byte banner = ReadBit(csv, _bannerAt, _options.BannerColumn);
        byte feed = ReadBit(csv, _feedAt, _options.FeedColumn);
        _cells.Add((TreatmentCell)(banner * (int)TreatmentCell.Banner | feed * (int)TreatmentCell.Feed));

        _vote.Add(ReadVote2010(csv));

        if (_loggedAt >= 0) _logged.Add(ReadBit(csv, _loggedAt, _options.LoggedInColumn));
    }

    /// <summary>The code of the current record's vote2010 level, which must be one of the allowed levels.</summary>
    private byte ReadVote2010(IRecordSource csv)
    {
        ReadOnlySpan<byte> vote = csv[_voteAt];
        CheckVote2010(csv, vote);
        if (!_levels.TryCode(vote, out byte code))
            throw csv.Error(_voteAt, $"{_options.Vote2010Column} has more than 256 distinct values");
        return code;
    }

    private void CheckVote2010(IRecordSource csv, ReadOnlySpan<byte> cell)
    {
        var text = cell.Trim((byte)' ');
        if (text.IsEmpty) throw csv.Error(_voteAt, $"{_options.Vote2010Column} is blank");
        if (_allowedLevels is null) return;
        foreach (byte[] level in _allowedLevels)
        {
            if (text.SequenceEqual(level)) return;
        }
        throw csv.Error(_voteAt, $"{_options.Vote2010Column} {DataFormatException.Quote(text)} is not one of the levels {string.Join(", ", _options.Vote2010Levels!)}");
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
