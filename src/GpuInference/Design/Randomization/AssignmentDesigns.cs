namespace GpuInference.Design.Randomization;

/// <summary>
/// Declares designs, as randomizr's <c>declare_ra</c> does: the kind follows from the arguments. Also the verbs that
/// work on any design (<see cref="ObtainPermutationMatrix"/>).
/// </summary>
public static class AssignmentDesigns
{
    /// <summary>
    /// Declares the design of units with the observed <paramref name="codes"/> (one non-negative code per unit):
    /// <list type="bullet">
    /// <item>neither blocks nor clusters: complete randomization, a uniform permutation of the codes across all units;</item>
    /// <item><paramref name="blocks"/> (a block id per unit): each block permutes its own units' codes;</item>
    /// <item><paramref name="clusters"/> (a cluster id per unit): whole clusters move; the code must be constant in
    /// each cluster, else <see cref="InvalidDesignException"/> names the cluster and two of its units;</item>
    /// <item>both: clusters permuted within their block; a cluster in two blocks is an <see cref="InvalidDesignException"/>;</item>
    /// <item><paramref name="bernoulli"/>: each unit (each cluster) redraws its code independently with the observed
    /// shares of its block (of all units without blocks) instead of being permuted.</item>
    /// </list>
    /// Ids are any integers; blocks and clusters are ordered by id, which only matters for which random stream each uses.
    /// </summary>
    public static RandomizedDesign Declare(int[] codes, int[]? blocks = null, int[]? clusters = null, bool bernoulli = false)
        => new(codes, blocks, clusters, bernoulli, ItemDraws.ShuffleLimit);

    /// <summary>
    /// A design that replays given assignments: <paramref name="columns"/>[b] is permutation b, one non-negative code
    /// per unit, every column the same length. <paramref name="names"/> names the columns (default "1", "2", ...).
    /// </summary>
    public static FileAssignmentDesign FromColumns(IReadOnlyList<int[]> columns, IReadOnlyList<string>? names = null, string source = "columns")
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("at least one permutation column is needed.", nameof(columns));
        if (names is not null && names.Count != columns.Count)
            throw new ArgumentException($"one name per column is needed: {names.Count} names for {columns.Count} columns.", nameof(names));
        int units = columns[0].Length;
        int max = 0;
        for (int b = 0; b < columns.Count; b++)
        {
            if (columns[b].Length != units)
                throw new ArgumentException($"column {b} has {columns[b].Length} codes, column 0 has {units}.", nameof(columns));
            foreach (int code in columns[b])
            {
                if (code < 0) throw new ArgumentOutOfRangeException(nameof(columns), $"column {b} holds the negative code {code}.");
                max = Math.Max(max, code);
            }
        }
        string[] labels = names?.ToArray() ?? Enumerable.Range(1, columns.Count).Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (max <= byte.MaxValue)
        {
            byte[][] bytes = columns.Select(column => Array.ConvertAll(column, code => (byte)code)).ToArray();
            return new FileAssignmentDesign(source, labels, units, max + 1, bytes, null);
        }
        return new FileAssignmentDesign(source, labels, units, max + 1, null, columns.Select(column => (int[])column.Clone()).ToArray());
    }

    /// <summary>
    /// Permutations <paramref name="first"/> .. first + count - 1 of stream <paramref name="seed"/> as a matrix with
    /// one row per unit and one column per permutation (randomizr's <c>obtain_permutation_matrix</c>, sampled): for
    /// small designs and tests, since it holds n × count codes.
    /// </summary>
    public static int[,] ObtainPermutationMatrix(this IAssignmentDesign design, ulong seed, int count, long first = 0)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var matrix = new int[design.UnitCount, count];
        var column = new int[design.UnitCount];
        for (int b = 0; b < count; b++)
        {
            design.Draw(seed, first + b, column);
            for (int unit = 0; unit < column.Length; unit++) matrix[unit, b] = column[unit];
        }
        return matrix;
    }
}
