using System.Numerics;

namespace GpuInference.Model;

/// <summary>
/// Which dummies of the fixed effects entered as dummies add nothing to the absorbed fixed effect and to the dummies
/// before them. A fixed effect nested in the absorbed one (villages, given sessions) is wholly redundant; one whose
/// levels meet the absorbed groups in several unconnected sets keeps all but one dummy per extra set. fixest drops
/// such redundancy without a word; kept, it would make the design singular, and the fit would fail on a column the
/// user never wrote.
/// <para>
/// Decided from counts alone: the Gram matrix of the dummies demeaned within the absorbed groups,
/// G = DᵀD − Σ_g s_g s_gᵀ / n_g (s_g: how many units of group g hold each dummy's level), then a Cholesky
/// factorisation in column order that leaves out a column whose remaining diagonal is at most
/// <see cref="Tolerance"/> times its count. Exact redundancy leaves rounding error near 10⁻¹⁵ of the count; the
/// residual variation of a dummy that does add something is a ratio of small counts, far above the threshold.
/// </para>
/// </summary>
internal static class RedundantDummies
{
    /// <summary>Share of a dummy's count (its squared length) below which what is left of it after the columns before it counts as nothing.</summary>
    public const double Tolerance = 1e-9;

    /// <param name="group">The absorbed group of each unit.</param>
    /// <param name="groups">The number of absorbed groups.</param>
    /// <param name="effects">
    /// Per fixed effect entered as dummies, in order: each unit's level (0 is the baseline, which has no dummy) and
    /// the number of levels.
    /// </param>
    /// <returns>Per fixed effect and level: whether the level's dummy is kept (never for the baseline).</returns>
    public static bool[][] Keep(int[] group, int groups, IReadOnlyList<(int[] Level, int Levels)> effects)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(effects);
        var offset = new int[effects.Count + 1];
        for (int f = 0; f < effects.Count; f++) offset[f + 1] = offset[f] + effects[f].Levels - 1;
        int d = offset[^1];
        double[][] gram = Gram(group, groups, effects, offset, d, out double[] count);
        bool[] kept = FactorInOrder(gram, count);
        return [.. effects.Select((e, f) => Enumerable.Range(0, e.Levels).Select(l => l > 0 && kept[offset[f] + l - 1]).ToArray())];
    }

    /// <summary>G = DᵀD − Σ_g s_g s_gᵀ / n_g, and each dummy's count (G's diagonal before demeaning).</summary>
    private static double[][] Gram(int[] group, int groups, IReadOnlyList<(int[] Level, int Levels)> effects, int[] offset, int d, out double[] count)
    {
        var gram = new double[d][];
        for (int c = 0; c < d; c++) gram[c] = new double[d];
        int units = group.Length;
        var columns = new int[effects.Count];
        for (int u = 0; u < units; u++)
        {
            int held = Columns(effects, offset, u, columns);
            for (int a = 0; a < held; a++)
            {
                for (int b = 0; b < held; b++) gram[columns[a]][columns[b]] += 1;
            }
        }
        count = [.. Enumerable.Range(0, d).Select(c => gram[c][c])];

        // The units of each absorbed group together (a counting sort), then each group's counts per dummy.
        var start = new int[groups + 1];
        foreach (int g in group) start[g + 1]++;
        for (int g = 0; g < groups; g++) start[g + 1] += start[g];
        var byGroup = new int[units];
        var next = (int[])start.Clone();
        for (int u = 0; u < units; u++) byGroup[next[group[u]]++] = u;
        var inGroup = new double[d];
        var touched = new List<int>();
        for (int g = 0; g < groups; g++)
        {
            for (int i = start[g]; i < start[g + 1]; i++)
            {
                int held = Columns(effects, offset, byGroup[i], columns);
                for (int a = 0; a < held; a++)
                {
                    if (inGroup[columns[a]]++ == 0) touched.Add(columns[a]);
                }
            }
            double size = start[g + 1] - start[g];
            foreach (int a in touched)
            {
                foreach (int b in touched) gram[a][b] -= inGroup[a] * inGroup[b] / size;
            }
            foreach (int a in touched) inGroup[a] = 0;
            touched.Clear();
        }
        return gram;
    }

    /// <summary>The dummy columns unit <paramref name="unit"/> holds (none for a baseline level), into <paramref name="columns"/>; returns how many.</summary>
    private static int Columns(IReadOnlyList<(int[] Level, int Levels)> effects, int[] offset, int unit, int[] columns)
    {
        int held = 0;
        for (int f = 0; f < effects.Count; f++)
        {
            int level = effects[f].Level[unit];
            if (level > 0) columns[held++] = offset[f] + level - 1;
        }
        return held;
    }

    /// <summary>
    /// Cholesky of <paramref name="gram"/> in place (its lower triangle becomes L), column by column in order; a column
    /// whose remaining diagonal is at most <see cref="Tolerance"/> of its count is left out (its column of L is 0).
    /// </summary>
    private static bool[] FactorInOrder(double[][] gram, double[] count)
    {
        int d = gram.Length;
        var kept = new bool[d];
        for (int j = 0; j < d; j++)
        {
            double[] row = gram[j];
            double rest = row[j] - Dot(row, row, j);
            if (!(rest > Tolerance * count[j]))
            {
                for (int k = j + 1; k < d; k++) gram[k][j] = 0;
                continue;
            }
            kept[j] = true;
            double pivot = Math.Sqrt(rest);
            row[j] = pivot;
            for (int k = j + 1; k < d; k++) gram[k][j] = (gram[k][j] - Dot(gram[k], row, j)) / pivot;
        }
        return kept;
    }

    /// <summary>Σ a_i b_i over the first <paramref name="length"/> entries, in vectors: at 2,000 dummies the factorisation is a billion of these products.</summary>
    private static double Dot(double[] a, double[] b, int length)
    {
        var sums = Vector<double>.Zero;
        int i = 0;
        for (; i <= length - Vector<double>.Count; i += Vector<double>.Count) sums += new Vector<double>(a, i) * new Vector<double>(b, i);
        double sum = Vector.Sum(sums);
        for (; i < length; i++) sum += a[i] * b[i];
        return sum;
    }
}
