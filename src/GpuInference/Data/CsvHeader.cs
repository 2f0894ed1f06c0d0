namespace GpuInference.Data;

/// <summary>Finds named columns in a CSV header row.</summary>
internal static class CsvHeader
{
    /// <summary>
    /// Reads the header row; an empty file is an error at line 1, and so is a name given to two columns, since
    /// which of the two holds the data is a guess.
    /// </summary>
    public static string[] Read(CsvReader csv)
    {
        if (!csv.ReadRecord()) throw new DataFormatException(csv.Path, 1, 1, "empty file (no header row)");
        var names = new string[csv.FieldCount];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = csv.GetString(i).Trim();
            int first = Array.IndexOf(names, names[i], 0, i);
            if (first >= 0)
                throw csv.Error(i, $"column name '{names[i]}' is given twice (columns {first + 1} and {i + 1})");
        }
        return names;
    }

    /// <summary>0-based position of a column that must be present.</summary>
    public static int Require(CsvReader csv, string[] header, string name)
    {
        int at = Array.IndexOf(header, name);
        if (at < 0)
            throw new DataFormatException(csv.Path, csv.Line, 1, $"missing column '{name}' (header has: {string.Join(", ", header)})");
        return at;
    }

    /// <summary>0-based position of an optional column, or -1.</summary>
    public static int Optional(string[] header, string name) => Array.IndexOf(header, name);
}
