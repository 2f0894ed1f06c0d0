using System.Globalization;
using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>
/// Writes null.csv: <c>permutation,&lt;stat1&gt;,&lt;stat2&gt;,...</c> and one row per permutation index (0-based, the
/// index of the permutation in the seeded stream, so a row can be recomputed on its own). Values are written as the
/// shortest text that parses back to the same double; a degenerate permutation is written as <c>NaN</c>, which R's
/// read.csv and pandas both read as a missing number.
/// </summary>
public static class NullCsvWriter
{
    /// <summary>Writes the null draws of <paramref name="statistics"/> to <paramref name="path"/>, replacing it.</summary>
    public static void WriteFile(IReadOnlyList<SpilloverStatistic> statistics, string path)
    {
        using var writer = new StreamWriter(path);
        Write(statistics, writer);
    }

    /// <summary>Writes the null draws of <paramref name="statistics"/>; all must have the same number of draws.</summary>
    public static void Write(IReadOnlyList<SpilloverStatistic> statistics, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        int rows = statistics.Count == 0 ? 0 : statistics[0].Null.Drawn;
        foreach (var statistic in statistics)
        {
            if (statistic.Null.Drawn != rows)
                throw new ArgumentException($"statistic '{statistic.Name}' has {statistic.Null.Drawn} draws, the first has {rows}.", nameof(statistics));
            if (statistic.Name.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                throw new ArgumentException($"statistic name '{statistic.Name}' cannot be a CSV header as it is.", nameof(statistics));
        }

        // \n rather than Environment.NewLine: the file is the same bytes on every platform.
        writer.Write("permutation");
        foreach (var statistic in statistics) writer.Write("," + statistic.Name);
        writer.Write('\n');
        for (int row = 0; row < rows; row++)
        {
            writer.Write(row.ToString(CultureInfo.InvariantCulture));
            foreach (var statistic in statistics)
            {
                writer.Write(',');
                writer.Write(statistic.Null.Values[row].ToString("R", CultureInfo.InvariantCulture));
            }
            writer.Write('\n');
        }
    }
}
