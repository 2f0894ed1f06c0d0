namespace GpuInference.Data;

/// <summary>Named numeric columns read from any CSV, for the general-purpose regression command.</summary>
public sealed record NumericTable(string Source, int Rows, IReadOnlyDictionary<string, double[]> Columns)
{
    /// <summary>The columns read as labels (e.g. cluster ids): each row's text, trimmed; equal labels share one string.</summary>
    public IReadOnlyDictionary<string, string[]> Labels { get; init; } = new Dictionary<string, string[]>();
}

/// <summary>
/// Reads the named columns of a CSV (plain or gzip) as doubles. A column listed as categorical may hold any text;
/// its values are coded 0, 1, 2, ... in order of first appearance (for fixed effects). A column listed as labels may
/// hold any text too, kept as text (for cluster ids), but no row may leave it empty or "NA". Every other cell must be
/// a finite number: the first one that is not stops the read with its file, line and column.
/// </summary>
public static class NumericTableReader
{
    /// <summary>The names in a CSV's header row, trimmed, to check a command line against before reading the rows.</summary>
    public static IReadOnlyList<string> ReadHeader(string path)
    {
        using CsvReader csv = CsvReader.Open(path);
        return CsvHeader.Read(csv);
    }

    public static NumericTable Read(
        string path, IReadOnlyList<string> numeric, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? labels = null)
    {
        categorical ??= [];
        labels ??= [];
        using CsvReader csv = CsvReader.Open(path);
        string[] header = CsvHeader.Read(csv);
        int[] numericAt = numeric.Select(name => CsvHeader.Require(csv, header, name)).ToArray();
        int[] categoricalAt = categorical.Select(name => CsvHeader.Require(csv, header, name)).ToArray();
        var numericValues = numeric.Select(_ => new List<double>()).ToArray();
        var categoricalValues = categorical.Select(_ => new List<double>()).ToArray();
        var codes = categorical.Select(_ => new Dictionary<string, int>()).ToArray();
        int[] labelAt = labels.Select(name => CsvHeader.Require(csv, header, name)).ToArray();
        var labelValues = labels.Select(_ => new List<string>()).ToArray();
        var interned = labels.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
        while (csv.ReadRecord())
        {
            csv.RequireFieldCount(header.Length);
            for (int c = 0; c < numericAt.Length; c++)
            {
                if (!Utf8Fields.TryParseFiniteDouble(csv[numericAt[c]], out double value))
                    throw csv.Error(numericAt[c], $"column '{numeric[c]}': '{csv.GetString(numericAt[c])}' is not a finite number");
                numericValues[c].Add(value);
            }
            for (int c = 0; c < categoricalAt.Length; c++)
            {
                string level = csv.GetString(categoricalAt[c]);
                if (!codes[c].TryGetValue(level, out int code)) codes[c][level] = code = codes[c].Count;
                categoricalValues[c].Add(code);
            }
            for (int c = 0; c < labelAt.Length; c++)
            {
                string label = csv.GetString(labelAt[c]).Trim();
                if (label.Length == 0 || label == "NA") throw csv.Error(labelAt[c], $"column '{labels[c]}': missing value");
                if (!interned[c].TryGetValue(label, out string? shared)) interned[c][label] = shared = label;
                labelValues[c].Add(shared);
            }
        }
        int rows = numericValues.Length > 0 ? numericValues[0].Count
            : categoricalValues.FirstOrDefault()?.Count ?? labelValues.FirstOrDefault()?.Count ?? 0;
        if (rows == 0) throw new DataFormatException(path, 2, 1, "no data rows");
        var columns = new Dictionary<string, double[]>();
        for (int c = 0; c < numeric.Count; c++) columns[numeric[c]] = numericValues[c].ToArray();
        for (int c = 0; c < categorical.Count; c++) columns[categorical[c]] = categoricalValues[c].ToArray();
        var labelColumns = new Dictionary<string, string[]>();
        for (int c = 0; c < labels.Count; c++) labelColumns[labels[c]] = labelValues[c].ToArray();
        return new NumericTable(path, rows, columns) { Labels = labelColumns };
    }
}
