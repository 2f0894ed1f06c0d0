namespace GpuInference.Data;

/// <summary>What a reader needs a column to hold; a Parquet column of another physical type is an error before its
/// first row is used. CSV cells are text, so CSV checks each cell as it is parsed instead.</summary>
internal enum ColumnKind
{
    /// <summary>Anything: numbers are shown as text, true/false as 1/0.</summary>
    Any,

    /// <summary>An id: an integer or a text column.</summary>
    Id,

    /// <summary>A number: an integer, floating-point or boolean column (true/false as 1/0).</summary>
    Number,

    /// <summary>A whole number: an integer column.</summary>
    Integer,
}

/// <summary>
/// A table read one record at a time, whatever the file holds: a CSV file (plain or gzip) or a Parquet file. Each
/// field is handed out as UTF-8 text, so one reader parses both the same way and a Parquet file is held to the
/// same rules as its CSV twin; a Parquet null is an empty field. Errors name the place in the file's own terms:
/// <c>path:line:field</c> for CSV, <c>path: column 'c', row group g, row r</c> for Parquet.
/// </summary>
internal interface IRecordSource : IDisposable
{
    /// <summary>The file name used in messages.</summary>
    string Path { get; }

    /// <summary>The column names, in file order (each one appears once).</summary>
    string[] Header { get; }

    /// <summary>Data records read so far.</summary>
    long RecordCount { get; }

    /// <summary>How many data records the file holds: exact for Parquet, a guess from the size for CSV.</summary>
    long ExpectedRecords { get; }

    /// <summary>How far the reading has got, in bytes of the file, for a progress bar.</summary>
    long Position { get; }

    /// <summary>The bytes of field <paramref name="index"/> (0-based, a position in <see cref="Header"/>) of the current record.</summary>
    ReadOnlySpan<byte> this[int index] { get; }

    /// <summary>
    /// Field <paramref name="index"/> as a whole number when the file stores it as one (a Parquet integer or boolean
    /// column, not null); false for every other field, CSV ones included. The number is the one the field's text
    /// (<see cref="this[int]"/>) spells, so a reader may take it instead of parsing that text, and must treat it alike.
    /// </summary>
    bool TryGetStoredInteger(int index, out long value);

    /// <summary>
    /// Field <paramref name="index"/> as a finite real number when the file stores it as a number (a Parquet numeric
    /// or boolean column, not null, not NaN or infinite); false otherwise, CSV fields included. As with
    /// <see cref="TryGetStoredInteger"/>, it is exactly the number the field's text parses to.
    /// </summary>
    bool TryGetStoredFiniteNumber(int index, out double value);

    /// <summary>Moves to the next data record; false at the end of the file. A CSV record with the wrong number of fields is an error.</summary>
    bool ReadRecord();

    /// <summary>The position of a column that must be there and hold <paramref name="kind"/>, or an error naming the file and the column.</summary>
    int Require(string name, ColumnKind kind);

    /// <summary>The position of an optional column (checked as <see cref="Require"/> when present), or -1.</summary>
    int Optional(string name, ColumnKind kind);

    /// <summary>An error at field <paramref name="index"/> of the current record.</summary>
    DataFormatException Error(int index, string problem);

    /// <summary>
    /// The current record's place, to name it after reading has moved on: its line in a CSV file, its row counted
    /// from the file's start in a Parquet file. <see cref="Where"/> and <see cref="ErrorAt"/> take it back.
    /// </summary>
    long Mark { get; }

    /// <summary>The <see cref="Mark"/> of data record <paramref name="record"/> (0-based); a CSV file is read again to find it, so keep this for errors.</summary>
    long MarkOf(long record);

    /// <summary>An error at field <paramref name="index"/> of the record at <paramref name="mark"/>; usable after the source is disposed.</summary>
    DataFormatException ErrorAt(long mark, int index, string problem);

    /// <summary>Where the record at <paramref name="mark"/> is, for a message: "line 5" or "row group 0, row 3"; usable after the source is disposed.</summary>
    string Where(long mark);

    /// <summary>An error for a file with no data record.</summary>
    DataFormatException NoRows();
}
