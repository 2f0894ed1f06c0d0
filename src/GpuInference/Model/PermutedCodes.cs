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

    /// <summary>Codes every node; a blank permuted cell is an error (each node's treatment counts for its friends).</summary>
    public static PermutedCodes Build(ColumnTable table, IReadOnlyList<string> columns)
    {
        TableColumn[] permuted = [.. columns.Select(name => table[name])];
        var tuples = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new string[table.Rows];
        for (int row = 0; row < table.Rows; row++)
        {
            var parts = new string[permuted.Length];
            for (int c = 0; c < permuted.Length; c++)
            {
                if (permuted[c].IsMissing(row))
                    throw table.Error(row, permuted[c], $"permuted column '{permuted[c].Name}' is blank: every node's treatment must be known, since it counts for its friends");
                parts[c] = permuted[c].Text(row);
            }
            keys[row] = string.Join('\u001f', parts);
            tuples.TryAdd(keys[row], 0);
        }
        string[] sorted = [.. tuples.Keys.Order(StringComparer.Ordinal)];
        for (int i = 0; i < sorted.Length; i++) tuples[sorted[i]] = i;
        int[] codes = [.. keys.Select(k => tuples[k])];
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
