using GpuInference.Data;

namespace GpuInference.Model;

/// <summary>
/// The permuted columns of every node combined into one small code: the index of the node's tuple of values among
/// the distinct tuples, sorted. A design moves codes, so the columns always move together.
/// </summary>
public sealed class PermutedCodes
{
    private PermutedCodes(string[] columns, int[] codes, string[][] values, string[] labels)
    {
        Columns = columns;
        Codes = codes;
        Values = values;
        Labels = labels;
    }

    /// <summary>The permuted columns, in the order given.</summary>
    public string[] Columns { get; }

    /// <summary>The code of every node.</summary>
    public int[] Codes { get; }

    /// <summary>Values[code][column]: the text of each permuted column under that code.</summary>
    public string[][] Values { get; }

    /// <summary>"banner=1, feed=0" per code.</summary>
    public string[] Labels { get; }

    public int CodeCount => Labels.Length;

    /// <summary>
    /// Codes every node; a blank permuted cell is an error (each node's treatment counts for its friends). Rows are
    /// first told apart by their values (a dense id per column, combined), and only the few distinct tuples are turned
    /// into text: formatting every row's numbers as text took seconds at 15M rows.
    /// </summary>
    public static PermutedCodes Build(ColumnTable table, IReadOnlyList<string> columns)
    {
        TableColumn[] permuted = [.. columns.Select(name => table[name])];
        // Three dense ids below 65,537 combine into one long without overflow; more columns go by text.
        if (permuted.Length > 3) return BuildByText(table, permuted, columns);
        var valueIds = new Dictionary<long, int>[permuted.Length];
        var tupleOfRow = new int[table.Rows];
        var tupleIds = new Dictionary<long, int>();
        var firstRow = new List<int>();
        for (int c = 0; c < permuted.Length; c++) valueIds[c] = [];
        for (int row = 0; row < table.Rows; row++)
        {
            long tuple = 0;
            for (int c = 0; c < permuted.Length; c++)
            {
                if (permuted[c].IsMissing(row))
                    throw table.Error(row, permuted[c], $"permuted column '{permuted[c].Name}' is blank: every node's treatment must be known, since it counts for its friends");
                long value = permuted[c].IsNumeric ? BitConverter.DoubleToInt64Bits(permuted[c].Numbers![row]) : permuted[c].Codes![row];
                if (!valueIds[c].TryGetValue(value, out int id)) valueIds[c][value] = id = valueIds[c].Count;
                tuple = tuple * 65_537 + id; // a column with more than 65,536 distinct values falls back below
            }
            if (!tupleIds.TryGetValue(tuple, out int index))
            {
                tupleIds[tuple] = index = firstRow.Count;
                firstRow.Add(row);
            }
            tupleOfRow[row] = index;
        }
        if (valueIds.Any(ids => ids.Count > 65_536)) return BuildByText(table, permuted, columns);
        return Assemble(permuted, columns, [.. firstRow.Select(row => Key(permuted, row))], tupleOfRow);
    }

    /// <summary>The row's tuple of permuted values as one text key (values joined by a unit separator).</summary>
    private static string Key(TableColumn[] permuted, int row) => string.Join('\u001f', permuted.Select(column => column.Text(row)));

    /// <summary>Every row's key as text: for permuted columns with very many distinct values.</summary>
    private static PermutedCodes BuildByText(ColumnTable table, TableColumn[] permuted, IReadOnlyList<string> columns)
    {
        var keys = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var tupleOfRow = new int[table.Rows];
        for (int row = 0; row < table.Rows; row++)
        {
            string key = Key(permuted, row);
            if (!index.TryGetValue(key, out int at))
            {
                index[key] = at = keys.Count;
                keys.Add(key);
            }
            tupleOfRow[row] = at;
        }
        return Assemble(permuted, columns, keys, tupleOfRow);
    }

    /// <summary>Codes are the indices of the distinct keys in ordinal order (tuples with equal text share one).</summary>
    private static PermutedCodes Assemble(TableColumn[] permuted, IReadOnlyList<string> columns, List<string> tupleKeys, int[] tupleOfRow)
    {
        string[] sorted = [.. tupleKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var codeOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < sorted.Length; i++) codeOfKey[sorted[i]] = i;
        int[] codeOfTuple = [.. tupleKeys.Select(key => codeOfKey[key])];
        int[] codes = [.. tupleOfRow.Select(tuple => codeOfTuple[tuple])];
        string[][] values = [.. sorted.Select(k => k.Split('\u001f'))];
        string[] labels = [.. values.Select(v => string.Join(", ", v.Select((value, c) => $"{permuted[c].Name}={value}")))];
        return new PermutedCodes([.. columns], codes, values, labels);
    }

    /// <summary>The value of column <paramref name="column"/> under each code, as a number (the column must be numeric).</summary>
    public double[] NumericValues(string column) =>
        [.. Values.Select(v => double.Parse(v[Array.IndexOf(Columns, column)], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Whether each code has <paramref name="column"/> equal to <paramref name="value"/> (text, or numerically equal).</summary>
    public bool[] Equal(string column, string value)
    {
        int at = Array.IndexOf(Columns, column);
        bool numeric = double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number);
        return [.. Values.Select(v => v[at] == value || numeric && double.TryParse(v[at], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x) && x == number)];
    }
}
