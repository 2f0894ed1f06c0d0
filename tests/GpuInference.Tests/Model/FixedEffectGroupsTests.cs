using System.Globalization;
using GpuInference.Model;

namespace GpuInference.Tests.Model;

/// <summary>Fixed-effect groups from integer codes are the groups of the values' text, in order of first appearance.</summary>
public sealed class FixedEffectGroupsTests
{
    /// <summary>The plain definition: join the cells' text, number the distinct keys as they first appear.</summary>
    private static int[] ByText(double[][] columns, int[] units)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. units.Select(u =>
        {
            string key = string.Join('\u001f', columns.Select(c => c[u].ToString("R", CultureInfo.InvariantCulture)));
            return ids.TryGetValue(key, out int id) ? id : ids[key] = ids.Count;
        })];
    }

    private static double[] Column(System.Random random, int rows, int kind) => [.. Enumerable.Range(0, rows).Select(_ => kind switch
    {
        0 => random.Next(7),                                    // small whole numbers: codes are the values
        1 => random.Next(3) - 1.0,                               // negatives: numbered by their bits
        2 => random.Next(4) * 0.25,                              // fractions
        _ => random.Next(2) == 0 ? 0.0 : -0.0,                   // 0 and -0 are different text, so different groups
    })];

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    public void GroupsAreThoseOfTheJoinedText(int seed, int columnCount)
    {
        var random = new System.Random(seed);
        const int Rows = 3000;
        double[][] columns = [.. Enumerable.Range(0, columnCount).Select(c => Column(random, Rows, (seed + c) % 4))];
        int[] units = [.. Enumerable.Range(0, Rows).Where(_ => random.Next(5) > 0)];
        int[] expected = ByText(columns, units);

        FixedEffectGroups groups = FixedEffectGroups.Of([.. columns.Select(FixedEffectGroups.CodesOf)], units);
        Assert.Equal(expected, groups.GroupOfUnit);
        Assert.Equal(expected.Max() + 1, groups.Count);
        for (int g = 0; g < groups.Count; g++) Assert.Equal(g, groups.GroupOfUnit[groups.FirstUnit[g]]);

        // Code counts too large for one 64-bit key take the string-keyed path, with the same groups.
        FixedEffectGroups wide = FixedEffectGroups.Of([.. columns.Select(c => (FixedEffectGroups.CodesOf(c).Codes, int.MaxValue)), (new int[Rows], int.MaxValue), (new int[Rows], int.MaxValue)], units);
        Assert.Equal(expected, wide.GroupOfUnit);
    }

    [Fact]
    public void SmallWholeNumbersAreTheirOwnCodesAndBlanksHaveOne()
    {
        (int[] codes, int count) = FixedEffectGroups.CodesOf([3, double.NaN, 0, 3]);
        Assert.Equal([4, 0, 1, 4], codes);
        Assert.Equal(5, count);
    }
}
