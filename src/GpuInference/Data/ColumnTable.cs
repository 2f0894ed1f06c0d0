using System.Globalization;

namespace GpuInference.Data;

/// <summary>
/// One column of a <see cref="ColumnTable"/>, typed by its content: numeric when every non-blank cell is a finite
/// number, categorical otherwise (levels sorted, so the first is the baseline of its dummies). Blank cells are missing.
/// </summary>
public sealed class TableColumn
{
    internal TableColumn(string name, int index, double[]? numbers, int[]? codes, string[] levels)
    {
        Name = name;
        Index = index;
        Numbers = numbers;
        Codes = codes;
        Levels = levels;
    }

    public string Name { get; }

    /// <summary>0-based position of the column in the file's header.</summary>
    public int Index { get; }

    public bool IsNumeric => Numbers is not null;

    /// <summary>The values of a numeric column; NaN where the cell is blank.</summary>
    public double[]? Numbers { get; }

    /// <summary>The level of each row of a categorical column (an index into <see cref="Levels"/>); -1 where blank.</summary>
    public int[]? Codes { get; }

    /// <summary>Distinct non-blank values as text, sorted (numbers by value, then text ordinally).</summary>
    public string[] Levels { get; }

    public bool IsMissing(int row) => IsNumeric ? double.IsNaN(Numbers![row]) : Codes![row] < 0;

    /// <summary>The cell of <paramref name="row"/> as written (trimmed); empty when blank.</summary>
    public string Text(int row) => IsNumeric
        ? (double.IsNaN(Numbers![row]) ? "" : Numbers[row].ToString("R", CultureInfo.InvariantCulture))
        : Codes![row] < 0 ? "" : Levels[Codes[row]];
}

/// <summary>
/// The nodes file of a general model: the id index and the named columns, with the line each row came from, so that
/// anything found wrong later can still be reported as file:line:column.
/// </summary>
public sealed class ColumnTable
{
    private readonly long[] _marks;
    private readonly IRecordSource _places;

    internal ColumnTable(string source, NodeIdIndex ids, long[] marks, IRecordSource places, string[] header, IReadOnlyDictionary<string, TableColumn> columns)
    {
        Source = source;
        Ids = ids;
        _marks = marks;
        _places = places;
        Header = header;
        Columns = columns;
    }

    public string Source { get; }

    /// <summary>Node ids: row i is node i.</summary>
    public NodeIdIndex Ids { get; }


    /// <summary>Every column name of the file, in order.</summary>
    public string[] Header { get; }

    /// <summary>The columns that were asked for, by name.</summary>
    public IReadOnlyDictionary<string, TableColumn> Columns { get; }

    public int Rows => _marks.Length;

    /// <summary>Where row <paramref name="row"/> is in <see cref="Source"/>: "line 5" in a CSV file, "row group 0, row 3" in a Parquet file.</summary>
    public string Where(int row) => _places.Where(_marks[row]);

    public TableColumn this[string name] => Columns[name];

    /// <summary>An error at row <paramref name="row"/>, column <paramref name="column"/>: file:line:column for CSV, file, column and row group for Parquet.</summary>
    public DataFormatException Error(int row, TableColumn column, string problem) => _places.ErrorAt(_marks[row], column.Index, problem);
}
