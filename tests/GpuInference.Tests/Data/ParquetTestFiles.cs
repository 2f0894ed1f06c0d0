using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace GpuInference.Tests.Data;

/// <summary>
/// Writes Parquet files for tests with Parquet.Net: from a CSV file (each column typed by its content: int64 when
/// every cell is an integer, double when every cell is a number, else text; an empty cell is a null), or column by
/// column. Small row groups, so that every test crosses row-group boundaries.
/// </summary>
internal static class ParquetTestFiles
{
    /// <summary>A column to write: its name and its values (long?, double?, bool?, string or byte[] arrays).</summary>
    public sealed record Column(string Name, Array Values);

    /// <summary>Writes the CSV at <paramref name="csvPath"/> (no quoted fields) as Parquet at <paramref name="parquetPath"/>.</summary>
    public static string FromCsv(string csvPath, string parquetPath, int rowGroupRows = 1000)
    {
        string[] lines = File.ReadAllLines(csvPath);
        string[] header = lines[0].Split(',');
        string[][] rows = [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))];
        var columns = new Column[header.Length];
        for (int c = 0; c < header.Length; c++)
        {
            string[] cells = [.. rows.Select(r => r[c])];
            if (cells.All(s => s.Length == 0 || long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
                columns[c] = new Column(header[c], cells.Select(s => s.Length == 0 ? (long?)null : long.Parse(s, CultureInfo.InvariantCulture)).ToArray());
            else if (cells.All(s => s.Length == 0 || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                columns[c] = new Column(header[c], cells.Select(s => s.Length == 0 ? (double?)null : double.Parse(s, CultureInfo.InvariantCulture)).ToArray());
            else
                columns[c] = new Column(header[c], cells);
        }
        return Write(parquetPath, rowGroupRows, columns);
    }

    /// <summary>Writes <paramref name="columns"/> (all of one length) in row groups of <paramref name="rowGroupRows"/>.</summary>
    public static string Write(string path, int rowGroupRows, params Column[] columns) => Write(path, rowGroupRows, new ParquetOptions(), columns);

    /// <summary>As <see cref="Write(string, int, Column[])"/>, with every text column dictionary-encoded (each distinct value stored once per row group).</summary>
    public static string WriteDictionaryText(string path, int rowGroupRows, params Column[] columns)
    {
        var options = new ParquetOptions();
        foreach (Column column in columns.Where(c => c.Values is string[])) options.ColumnEncodingHints[column.Name] = EncodingHint.Dictionary;
        return Write(path, rowGroupRows, options, columns);
    }

    /// <summary>As <see cref="Write(string, int, Column[])"/>, compressed with <paramref name="compression"/>, text dictionary-encoded when <paramref name="dictionaryText"/>.</summary>
    public static string WriteCompressed(string path, int rowGroupRows, CompressionMethod compression, bool dictionaryText, params Column[] columns)
    {
        var options = new ParquetOptions { CompressionMethod = compression };
        if (dictionaryText)
        {
            foreach (Column column in columns.Where(c => c.Values is string[])) options.ColumnEncodingHints[column.Name] = EncodingHint.Dictionary;
        }
        return Write(path, rowGroupRows, options, columns);
    }

    /// <summary>The encodings each column chunk of the file lists, by column name, over all row groups.</summary>
    public static Dictionary<string, string[]> Encodings(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return reader.RowGroups.SelectMany(g => g.RowGroup.Columns).GroupBy(c => c.MetaData!.PathInSchema[0])
                .ToDictionary(g => g.Key, g => g.SelectMany(c => c.MetaData!.Encodings.Select(e => e.ToString())).Distinct().ToArray());
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string Write(string path, int rowGroupRows, ParquetOptions options, Column[] columns)
    {
        DataField[] fields = [.. columns.Select(c => c.Values switch
        {
            long?[] => (DataField)new DataField<long?>(c.Name),
            long[] => new DataField<long>(c.Name),
            int[] => new DataField<int>(c.Name),
            double?[] => new DataField<double?>(c.Name),
            bool?[] => new DataField<bool?>(c.Name),
            string[] => new DataField<string>(c.Name),
            byte[][] => new DataField<byte[]>(c.Name),
            _ => throw new ArgumentException($"unsupported column type {c.Values.GetType()}"),
        })];
        int rows = columns[0].Values.Length;
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options).GetAwaiter().GetResult();
        try
        {
            for (int start = 0; start < rows; start += rowGroupRows)
            {
                int n = Math.Min(rowGroupRows, rows - start);
                using var group = writer.CreateRowGroup();
                for (int c = 0; c < columns.Length; c++)
                {
                    Task task = columns[c].Values switch
                    {
                        long?[] v => group.WriteAsync<long>(fields[c], new ReadOnlyMemory<long?>(v, start, n)),
                        long[] v => group.WriteAsync<long>(fields[c], new ReadOnlyMemory<long>(v, start, n)),
                        int[] v => group.WriteAsync<int>(fields[c], new ReadOnlyMemory<int>(v, start, n)),
                        double?[] v => group.WriteAsync<double>(fields[c], new ReadOnlyMemory<double?>(v, start, n)),
                        bool?[] v => group.WriteAsync<bool>(fields[c], new ReadOnlyMemory<bool?>(v, start, n)),
                        string[] v => group.WriteAsync(fields[c], new ArraySegment<string>(v, start, n)),
                        byte[][] v => group.WriteAsync(fields[c], new ArraySegment<byte[]>(v, start, n)),
                        _ => throw new ArgumentException("unsupported column type"),
                    };
                    task.GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return path;
    }
}
