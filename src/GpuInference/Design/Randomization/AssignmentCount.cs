using System.Numerics;

namespace GpuInference.Design.Randomization;

/// <summary>Counts the distinct assignments of a design over items in blocks, exactly.</summary>
internal static class AssignmentCount
{
    /// <summary>
    /// Permutations within blocks reach every arrangement of each block's codes: the product over blocks of the
    /// multinomial m! / (m_1! ··· m_K!). Bernoulli redraws give each item any code present in its block: the product
    /// of k_b^(m_b), k_b the number of distinct codes in block b.
    /// </summary>
    public static BigInteger Count(Grouping blocks, int[] itemCodes, bool bernoulli)
    {
        BigInteger total = BigInteger.One;
        var counts = new Dictionary<int, int>();
        for (int block = 0; block < blocks.Count; block++)
        {
            int size = CountCodes(blocks, itemCodes, block, counts);
            if (bernoulli)
            {
                total *= BigInteger.Pow(counts.Count, size);
                continue;
            }
            // m! / Π m_k!, built as a product of binomials so no factorial grows past the answer.
            int placed = 0;
            foreach (int count in counts.Values)
            {
                placed += count;
                total *= Binomial(placed, count);
            }
        }
        return total;
    }

    /// <summary>The natural logarithm of <see cref="Count"/>, from log-factorials.</summary>
    public static double Log(Grouping blocks, int[] itemCodes, bool bernoulli)
    {
        double total = 0;
        var counts = new Dictionary<int, int>();
        for (int block = 0; block < blocks.Count; block++)
        {
            int size = CountCodes(blocks, itemCodes, block, counts);
            if (bernoulli)
            {
                total += size * Math.Log(counts.Count);
                continue;
            }
            total += MathNet.Numerics.SpecialFunctions.FactorialLn(size);
            foreach (int count in counts.Values) total -= MathNet.Numerics.SpecialFunctions.FactorialLn(count);
        }
        return total;
    }

    private static BigInteger Binomial(int n, int k)
    {
        BigInteger result = BigInteger.One;
        for (int i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return result;
    }

    /// <summary>Fills <paramref name="counts"/> with how many items of <paramref name="block"/> hold each code; returns the block's size.</summary>
    private static int CountCodes(Grouping blocks, int[] itemCodes, int block, Dictionary<int, int> counts)
    {
        counts.Clear();
        int start = blocks.Starts[block], size = blocks.SizeOf(block);
        for (int t = 0; t < size; t++)
        {
            int code = itemCodes[blocks.Order[start + t]];
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }
        return size;
    }
}
