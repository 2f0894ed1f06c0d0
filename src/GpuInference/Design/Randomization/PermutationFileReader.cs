using System.Text;
using GpuInference.Data;

namespace GpuInference.Design.Randomization;

/// <summary>
/// Reads a permutation file: a CSV (plain or gzip) whose header row names the permutations, followed by one row
/// per unit in unit order, each cell a value as written in the nodes file (e.g. <c>0</c>/<c>1</c>, or an arm's
/// label), turned into a code by the caller's dictionary. Errors name <c>file:line:column</c> (column = 1-based
/// field) for a bad cell or header, and <c>file: ...</c> with both counts for a wrong number of rows.
/// </summary>
public static class PermutationFileReader
{
    private const int MaxCodesShown = 10;

    /// <summary>
    /// Reads <paramref name="path"/> for <paramref name="unitCount"/> units. Cells are matched exactly after
    /// trimming spaces against the keys of <paramref name="codes"/> (non-negative values).
    /// </summary>
    public static FileAssignmentDesign Read(string path, int unitCount, IReadOnlyDictionary<string, int> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(unitCount);
        if (codes.Count == 0) throw new ArgumentException("at least one code is needed.", nameof(codes));
        var lookup = new CodeLookup(codes);

        using CsvReader csv = CsvReader.Open(path);
        string[] names = CsvHeader.Read(csv);
        // CsvHeader.Read has already refused a repeated name.
        for (int c = 0; c < names.Length; c++)
        {
            if (names[c].Length == 0) throw csv.Error(c, "a permutation column has no name");
        }

        bool asBytes = lookup.Max <= byte.MaxValue;
        byte[][]? bytes = asBytes ? names.Select(_ => new byte[unitCount]).ToArray() : null;
        int[][]? ints = asBytes ? null : names.Select(_ => new int[unitCount]).ToArray();
        long rows = 0;
        while (csv.ReadRecord())
        {
            if (rows++ >= unitCount) continue; // counted for the message below, not read
            int unit = (int)(rows - 1);
            csv.RequireFieldCount(names.Length);
            for (int c = 0; c < names.Length; c++)
            {
                if (!lookup.TryFind(csv[c], out int code))
                {
                    throw csv.Error(c, $"permutation '{names[c]}': {DataFormatException.Quote(csv[c])} is not one of the codes ({lookup.Listing})");
                }
                if (bytes is not null) bytes[c][unit] = (byte)code;
                else ints![c][unit] = code;
            }
        }
        if (rows != unitCount)
        {
            throw new DataFormatException(path, $"{rows} rows of assignments, expected {unitCount} (one per unit, in unit order)");
        }
        return new FileAssignmentDesign(path, names, unitCount, lookup.Max + 1, bytes, ints);
    }

    /// <summary>Cell bytes to codes without a string per cell: a handful of keys, compared as UTF-8.</summary>
    private sealed class CodeLookup
    {
        private readonly byte[][] _keys;
        private readonly int[] _values;

        public CodeLookup(IReadOnlyDictionary<string, int> codes)
        {
            var ordered = codes.OrderBy(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).ToArray();
            _keys = ordered.Select(pair => Encoding.UTF8.GetBytes(pair.Key.Trim(' '))).ToArray();
            _values = ordered.Select(pair => pair.Value).ToArray();
            foreach (var (key, value) in ordered)
            {
                if (value < 0) throw new ArgumentOutOfRangeException(nameof(codes), $"'{key}' maps to the negative code {value}.");
            }
            Max = _values.Max();
            Listing = string.Join(", ", ordered.Take(MaxCodesShown).Select(pair => pair.Key)) + (ordered.Length > MaxCodesShown ? ", …" : "");
        }

        public int Max { get; }

        public string Listing { get; }

        public bool TryFind(ReadOnlySpan<byte> cell, out int code)
        {
            cell = cell.Trim((byte)' ');
            for (int k = 0; k < _keys.Length; k++)
            {
                if (cell.SequenceEqual(_keys[k]))
                {
                    code = _values[k];
                    return true;
                }
            }
            code = -1;
            return false;
        }
    }
}
