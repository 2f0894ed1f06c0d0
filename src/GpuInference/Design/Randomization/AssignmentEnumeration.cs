namespace GpuInference.Design.Randomization;

/// <summary>
/// Every assignment of items (units or clusters) in blocks that a design allows, once each, with its probability:
/// arrangements of each block's multiset of codes (all equally likely) for permutation designs, every choice of a
/// code present in its block (probability the product of the block shares) for Bernoulli designs.
/// </summary>
internal static class AssignmentEnumeration
{
    public static IEnumerable<(int[] ItemCodes, double Probability)> Enumerate(Grouping blocks, int[] itemCodes, bool bernoulli, double count)
        => bernoulli ? Redraws(blocks, itemCodes) : Arrangements(blocks, itemCodes, 1 / count);

    /// <summary>An odometer whose digits are the blocks, each stepping through its codes' distinct arrangements in lexicographic order.</summary>
    private static IEnumerable<(int[], double)> Arrangements(Grouping blocks, int[] itemCodes, double probability)
    {
        var states = new int[blocks.Count][];
        for (int block = 0; block < blocks.Count; block++)
        {
            states[block] = blocks.Order.AsSpan(blocks.Starts[block], blocks.SizeOf(block)).ToArray();
            for (int j = 0; j < states[block].Length; j++) states[block][j] = itemCodes[states[block][j]];
            Array.Sort(states[block]);
        }
        while (true)
        {
            var assignment = new int[itemCodes.Length];
            for (int block = 0; block < blocks.Count; block++)
            {
                for (int j = 0; j < states[block].Length; j++) assignment[blocks.Order[blocks.Starts[block] + j]] = states[block][j];
            }
            yield return (assignment, probability);
            int digit = blocks.Count - 1;
            while (digit >= 0 && !NextArrangement(states[digit])) digit--;
            if (digit < 0) yield break;
        }
    }

    /// <summary>An odometer whose digits are the items, each stepping through the distinct codes of its block.</summary>
    private static IEnumerable<(int[], double)> Redraws(Grouping blocks, int[] itemCodes)
    {
        var choices = new int[blocks.Count][];
        var shares = new double[blocks.Count][];
        for (int block = 0; block < blocks.Count; block++)
        {
            var members = blocks.Order.AsSpan(blocks.Starts[block], blocks.SizeOf(block)).ToArray();
            var groups = members.GroupBy(item => itemCodes[item]).OrderBy(g => g.Key).ToArray();
            choices[block] = groups.Select(g => g.Key).ToArray();
            shares[block] = groups.Select(g => g.Count() / (double)members.Length).ToArray();
        }
        int items = itemCodes.Length;
        var digits = new int[items];
        while (true)
        {
            var assignment = new int[items];
            double probability = 1;
            for (int item = 0; item < items; item++)
            {
                int block = blocks.IndexOf[item];
                assignment[item] = choices[block][digits[item]];
                probability *= shares[block][digits[item]];
            }
            yield return (assignment, probability);
            int digit = items - 1;
            while (digit >= 0)
            {
                if (++digits[digit] < choices[blocks.IndexOf[digit]].Length) break;
                digits[digit--] = 0;
            }
            if (digit < 0) yield break;
        }
    }

    /// <summary>The next arrangement in lexicographic order (repeated values give each distinct one once); false, and the values sorted again, after the last.</summary>
    private static bool NextArrangement(int[] values)
    {
        int i = values.Length - 2;
        while (i >= 0 && values[i] >= values[i + 1]) i--;
        if (i < 0)
        {
            Array.Reverse(values);
            return false;
        }
        int j = values.Length - 1;
        while (values[j] <= values[i]) j--;
        (values[i], values[j]) = (values[j], values[i]);
        Array.Reverse(values, i + 1, values.Length - i - 1);
        return true;
    }
}
