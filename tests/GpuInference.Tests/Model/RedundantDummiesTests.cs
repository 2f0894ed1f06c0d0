using System.Numerics;
using GpuInference.Model;

namespace GpuInference.Tests.Model;

/// <summary>
/// The dummies kept for fixed effects beyond the absorbed one, against exact rational arithmetic: a dummy is kept if
/// and only if it raises the exact rank of [the absorbed groups' indicators, the dummies kept before it], on random
/// small designs where levels nest in the absorbed groups, cross them, or fall into unconnected sets.
/// </summary>
public sealed class RedundantDummiesTests
{
    [Fact]
    public void KeepsExactlyTheDummiesThatRaiseTheExactRank()
    {
        int kept = 0, redundant = 0;
        for (int seed = 1; seed <= 40; seed++) Check(seed, ref kept, ref redundant);
        // The generator nests, crosses and splits levels: both answers occur many times.
        Assert.True(kept > 40 && redundant > 40, $"kept {kept}, redundant {redundant}");
    }

    private static void Check(int seed, ref int keptCount, ref int redundant)
    {
        var random = new System.Random(seed);
        int units = 20 + random.Next(40), groups = 2 + random.Next(8);
        int[] group = [.. Enumerable.Range(0, units).Select(u => u < groups ? u : random.Next(groups))];
        var effects = new List<(int[] Level, int Levels)>();
        for (int f = 0, count = 1 + random.Next(2); f < count; f++) effects.Add(Effect(random, group, groups));

        bool[][] keep = RedundantDummies.Keep(group, groups, effects);

        var basis = new List<BigInteger[]>();
        for (int g = 0; g < groups; g++) basis.Add([.. group.Select(x => x == g ? BigInteger.One : BigInteger.Zero)]);
        int rank = Rank(basis);
        Assert.Equal(groups, rank);
        for (int f = 0; f < effects.Count; f++)
        {
            Assert.False(keep[f][0]); // the baseline never has a dummy
            for (int level = 1; level < effects[f].Levels; level++)
            {
                int l = level;
                BigInteger[] dummy = [.. effects[f].Level.Select(x => x == l ? BigInteger.One : BigInteger.Zero)];
                basis.Add(dummy);
                bool raises = Rank(basis) > rank;
                Assert.True(raises == keep[f][level], $"seed {seed}, effect {f}, level {level}: kept {keep[f][level]}, raises the rank {raises}");
                if (raises)
                {
                    rank++;
                    keptCount++;
                }
                else
                {
                    basis.RemoveAt(basis.Count - 1);
                    redundant++;
                }
            }
        }
    }

    /// <summary>Levels nested in the absorbed groups are all redundant: sessions absorbed, villages as dummies.</summary>
    [Fact]
    public void ALevelNestedInTheAbsorbedGroupsIsRedundant()
    {
        int[] session = [0, 0, 1, 1, 2, 2, 3, 3];
        int[] village = [0, 0, 0, 0, 1, 1, 2, 2];
        bool[][] keep = RedundantDummies.Keep(session, 4, [(village, 3)]);
        Assert.Equal([false, false, false], keep[0]);
    }

    /// <summary>Two unconnected sets (groups 0–1 with levels 0–1, groups 2–3 with levels 2–3) lose one dummy: the last of the second set.</summary>
    [Fact]
    public void UnconnectedSetsLoseOneDummyEach()
    {
        int[] absorbed = [0, 0, 1, 1, 2, 2, 3, 3];
        int[] level = [0, 1, 0, 1, 2, 3, 2, 3];
        bool[][] keep = RedundantDummies.Keep(absorbed, 4, [(level, 4)]);
        Assert.Equal([false, true, true, false], keep[0]);
    }

    /// <summary>A fixed effect that crosses the absorbed one keeps every dummy.</summary>
    [Fact]
    public void ACrossingLevelIsKept()
    {
        int[] absorbed = [0, 0, 0, 1, 1, 1];
        int[] level = [0, 1, 2, 0, 1, 2];
        Assert.Equal([false, true, true], RedundantDummies.Keep(absorbed, 2, [(level, 3)])[0]);
    }

    /// <summary>Levels drawn three ways: nested in a coarsening of the absorbed groups, crossing them, or mixed.</summary>
    private static (int[] Level, int Levels) Effect(System.Random random, int[] group, int groups)
    {
        int levels = 2 + random.Next(5);
        int[] coarse = [.. Enumerable.Range(0, groups).Select(_ => random.Next(levels))];
        int mode = random.Next(3);
        int[] level = [.. group.Select(g => mode switch
        {
            0 => coarse[g],
            1 => random.Next(levels),
            _ => random.Next(4) == 0 ? random.Next(levels) : coarse[g],
        })];
        // Dense levels from 0, as the compiler numbers them.
        int[] used = [.. level.Distinct().Order()];
        return ([.. level.Select(l => Array.IndexOf(used, l))], used.Length);
    }

    /// <summary>The exact rank of the columns, by fraction-free Gaussian elimination over the integers.</summary>
    private static int Rank(List<BigInteger[]> columns)
    {
        int rows = columns[0].Length;
        BigInteger[][] m = [.. columns.Select(c => (BigInteger[])c.Clone())];
        int rank = 0;
        for (int row = 0; row < rows && rank < m.Length; row++)
        {
            int pivot = -1;
            for (int c = rank; c < m.Length; c++)
            {
                if (!m[c][row].IsZero) { pivot = c; break; }
            }
            if (pivot < 0) continue;
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            for (int c = rank + 1; c < m.Length; c++)
            {
                if (m[c][row].IsZero) continue;
                BigInteger a = m[rank][row], b = m[c][row];
                for (int r = 0; r < rows; r++) m[c][r] = m[c][r] * a - m[rank][r] * b;
                BigInteger gcd = m[c].Aggregate(BigInteger.Zero, BigInteger.GreatestCommonDivisor);
                if (gcd > 1) for (int r = 0; r < rows; r++) m[c][r] /= gcd;
            }
            rank++;
        }
        return rank;
    }
}
