using GpuInference.Data;

namespace GpuInference.Model;

/// <summary>
/// The groups of a fixed effect (one column, or several joined by ^): one dense id per distinct combination of the
/// columns' values among the units, in order of first appearance, and one unit of each group to name it by.
/// <para>
/// Values are told apart as their text is (a categorical column by level, a numeric one by its value's bits), but
/// through integer codes: a unit's combination is one 64-bit key, not a joined string, which at 15 million units is
/// the difference between a fraction of a second and many seconds.
/// </para>
/// </summary>
internal sealed class FixedEffectGroups
{
    private FixedEffectGroups(int[] groupOfUnit, int[] firstUnit)
    {
        GroupOfUnit = groupOfUnit;
        FirstUnit = firstUnit;
    }

    /// <summary>Each unit's group.</summary>
    public int[] GroupOfUnit { get; }

    /// <summary>The first unit (index among the units) of each group.</summary>
    public int[] FirstUnit { get; }

    public int Count => FirstUnit.Length;

    /// <param name="columns">Per column, a code for every node (≥ 0) and how many codes there are.</param>
    /// <param name="unitNodes">The node of each unit.</param>
    public static FixedEffectGroups Of(IReadOnlyList<(int[] Codes, int Count)> columns, int[] unitNodes)
    {
        var group = new int[unitNodes.Length];
        var first = new List<int>();
        if (FitsOneKey(columns))
        {
            var ids = new Dictionary<long, int>();
            for (int i = 0; i < unitNodes.Length; i++)
            {
                long key = 0;
                foreach ((int[] codes, int count) in columns) key = key * count + codes[unitNodes[i]];
                if (!ids.TryGetValue(key, out int id))
                {
                    ids[key] = id = first.Count;
                    first.Add(i);
                }
                group[i] = id;
            }
        }
        else
        {
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < unitNodes.Length; i++)
            {
                string key = string.Join(',', columns.Select(c => c.Codes[unitNodes[i]]));
                if (!ids.TryGetValue(key, out int id))
                {
                    ids[key] = id = first.Count;
                    first.Add(i);
                }
                group[i] = id;
            }
        }
        return new FixedEffectGroups(group, [.. first]);
    }

    /// <summary>
    /// A code per node for <paramref name="column"/>: its level, or for a numeric column its value (small whole
    /// numbers as themselves, others numbered by their bits); blank cells, never a unit's, get a code of their own.
    /// </summary>
    public static (int[] Codes, int Count) CodesOf(TableColumn column)
    {
        if (!column.IsNumeric)
        {
            int[] levels = column.Codes!;
            var codes = new int[levels.Length];
            for (int row = 0; row < codes.Length; row++) codes[row] = levels[row] + 1;
            return (codes, column.Levels.Length + 1);
        }
        return CodesOf(column.Numbers!);
    }

    /// <inheritdoc cref="CodesOf(TableColumn)"/>
    public static (int[] Codes, int Count) CodesOf(double[] values)
    {
        const int SmallWhole = 1 << 24;
        var codes = new int[values.Length];
        bool small = true;
        int max = 0;
        for (int row = 0; row < values.Length && small; row++)
        {
            double v = values[row];
            if (double.IsNaN(v)) continue;
            small = v >= 0 && v < SmallWhole && v == Math.Floor(v) && !double.IsNegative(v);
            if (small) max = Math.Max(max, (int)v);
        }
        if (small)
        {
            // Blank cells take code 0 and each whole number v code v + 1.
            for (int row = 0; row < values.Length; row++) codes[row] = double.IsNaN(values[row]) ? 0 : (int)values[row] + 1;
            return (codes, max + 2);
        }
        var byBits = new Dictionary<long, int>();
        for (int row = 0; row < values.Length; row++)
        {
            long bits = double.IsNaN(values[row]) ? long.MinValue : BitConverter.DoubleToInt64Bits(values[row]);
            if (!byBits.TryGetValue(bits, out int code)) byBits[bits] = code = byBits.Count;
            codes[row] = code;
        }
        return (codes, byBits.Count);
    }

    /// <summary>Whether every combination of codes fits in one 64-bit key.</summary>
    private static bool FitsOneKey(IReadOnlyList<(int[] Codes, int Count)> columns)
    {
        double span = 1;
        foreach ((_, int count) in columns) span *= Math.Max(1, count);
        return span < long.MaxValue / 2.0;
    }
}
