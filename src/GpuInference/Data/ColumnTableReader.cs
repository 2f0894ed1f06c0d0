using System.Globalization;

namespace GpuInference.Data;

/// <summary>
/// Reads a nodes file (CSV, plain or gzip, or Parquet) for a general model: the id column and the named columns only. Cells are
/// kept as text while reading, then each column is typed by its content (see <see cref="TableColumn"/>), so that a
/// column is numeric or categorical as a whole and never half of each.
/// </summary>
public static class ColumnTableReader
{
    /// <summary>
    /// Reads <paramref name="columns"/> (each must exist, or the error names the file and the closest header name)
    /// and the id column <paramref name="idColumn"/>. The usual file:line:column errors apply (field counts, text
    /// that is not UTF-8, a repeated id or column name, a cut gzip file).
    /// </summary>
    public static ColumnTable Read(string path, string idColumn, IReadOnlyCollection<string> columns)
    {
        using IRecordSource csv = RecordFile.Open(path);
        string[] header = csv.Header;
        int idAt = csv.Require(idColumn, ColumnKind.Id);
        string[] names = [.. columns.Distinct(StringComparer.Ordinal)];
        int[] at = [.. names.Select(name => csv.Require(name, ColumnKind.Any))];
        var ids = new NodeIdCollector(csv, idColumn, idAt);
        var marks = new GrowableArray<long>(1 << 16);
        var cells = names.Select(_ => new TextCells()).ToArray();
        while (csv.ReadRecord())
        {
            ids.Add(csv);
            marks.Add(csv.Mark);
            for (int c = 0; c < at.Length; c++) cells[c].Add(csv[at[c]].Trim((byte)' '));
        }
        if (marks.Count == 0) throw csv.NoRows();
        NodeIdIndex index = ids.Build();
        var typed = new Dictionary<string, TableColumn>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++) typed[names[c]] = cells[c].Type(names[c], at[c]);
        return new ColumnTable(path, index, marks.ToTrimmedArray(), csv, header, typed);
    }

    /// <summary>A column's cells as UTF-8 text, end to end, until its type is known.</summary>
    private sealed class TextCells
    {
        private GrowableArray<byte> _bytes = new(1 << 16);
        private GrowableArray<int> _ends = new(1 << 16);

        public void Add(ReadOnlySpan<byte> cell)
        {
            foreach (byte b in cell) _bytes.Add(b);
            _ends.Add(checked((int)_bytes.Count));
        }

        public TableColumn Type(string name, int index)
        {
            int rows = checked((int)_ends.Count);
            var numbers = new double[rows];
            bool numeric = true;
            for (int row = 0; row < rows && numeric; row++)
            {
                ReadOnlySpan<byte> cell = Cell(row);
                if (cell.IsEmpty) numbers[row] = double.NaN;
                else if (!Utf8Fields.TryParseFiniteDouble(cell, out numbers[row])) numeric = false;
            }
            if (numeric)
            {
                string[] levels = [.. numbers.Where(v => !double.IsNaN(v)).Distinct().Order().Select(v => v.ToString("R", CultureInfo.InvariantCulture))];
                return new TableColumn(name, index, numbers, null, levels);
            }
            var text = new string[rows];
            for (int row = 0; row < rows; row++) text[row] = System.Text.Encoding.UTF8.GetString(Cell(row));
            string[] sorted = [.. text.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            var code = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < sorted.Length; i++) code[sorted[i]] = i;
            int[] codes = [.. text.Select(t => t.Length == 0 ? -1 : code[t])];
            return new TableColumn(name, index, null, codes, sorted);
        }

        private ReadOnlySpan<byte> Cell(int row)
        {
            int start = row == 0 ? 0 : _ends[row - 1];
            return _bytes.Span[start.._ends[row]];
        }
    }
}
