using GpuInference.Data;
using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Model;

/// <summary>
/// A node's code is the index of its tuple of permuted values among the distinct tuples in ordinal order of their
/// text, whether the tuples are told apart by value (up to three columns) or by text (four or more): checked against
/// that definition, row by row, on numeric and categorical columns.
/// </summary>
public sealed class PermutedCodesTests
{
    private static readonly VillageData Data = VillageData.Create(people: 400, seed: 13);

    [Theory]
    [InlineData("t")]
    [InlineData("t", "arm")]
    [InlineData("arm", "grp", "t")]
    [InlineData("arm", "grp", "t", "village")]
    public void CodesIndexTheSortedDistinctTuples(params string[] columns)
    {
        ColumnTable table = Data.Table;
        PermutedCodes codes = PermutedCodes.Build(table, columns);
        string[] keys = [.. Enumerable.Range(0, table.Rows).Select(row => string.Join('\u001f', columns.Select(c => table[c].Text(row))))];
        string[] sorted = [.. keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Assert.Equal(sorted.Length, codes.CodeCount);
        for (int row = 0; row < table.Rows; row++) Assert.Equal(Array.IndexOf(sorted, keys[row]), codes.Codes[row]);
        Assert.Equal(sorted.Select(k => k.Split('\u001f')), codes.Values);
    }
}
