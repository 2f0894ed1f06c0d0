using GpuInference.Design.Randomization;
using MathNet.Numerics;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>
/// Tiny designs against exact enumeration: every draw is an allowed assignment, every allowed assignment is drawn
/// with its probability (equal for permutation designs; chi-square goodness of fit), and the count of allowed
/// assignments is the design's own count. Each runs with small blocks shuffled (the default) and with every block
/// forced through the bijection.
/// </summary>
public sealed class DesignEnumerationTests
{
    private const ulong Seed = 20261130;
    private const int Draws = 20_000;
    private const double MinimumP = 1e-4;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (DesignCase design in DesignCase.All())
        {
            data.Add(design.Name, 256);
            data.Add(design.Name, 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DrawsOnlyAllowedAssignmentsWithTheirProbabilities(string name, int shuffleLimit)
    {
        DesignCase designCase = DesignCase.Named(name);
        Dictionary<string, double> allowed = designCase.Allowed();
        RandomizedDesign design = designCase.Declare(shuffleLimit);
        var counts = allowed.Keys.ToDictionary(key => key, _ => 0);
        var drawn = new int[designCase.Units];
        for (int b = 0; b < Draws; b++)
        {
            design.Draw(Seed, b, drawn);
            string key = DesignCase.Key(drawn);
            Assert.True(counts.ContainsKey(key), $"permutation {b} drew {key}, which the design does not allow");
            counts[key]++;
        }

        double statistic = 0;
        foreach (var (key, probability) in allowed)
        {
            double expected = Draws * probability;
            statistic += (counts[key] - expected) * (counts[key] - expected) / expected;
        }
        double p = SpecialFunctions.GammaUpperRegularized((allowed.Count - 1) / 2.0, statistic / 2);
        Assert.True(p > MinimumP, $"{designCase}: chi-square {statistic:F1} on {allowed.Count - 1} df, p = {p:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CountsTheAssignmentsItAllows(string name, int shuffleLimit)
    {
        DesignCase designCase = DesignCase.Named(name);
        RandomizedDesign design = designCase.Declare(shuffleLimit);
        int allowed = designCase.Allowed().Count;
        Assert.Equal(allowed, (int)design.CountAssignments());
        Assert.Equal(Math.Log(allowed), design.LogAssignmentCount(), 1e-9);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EnumeratesExactlyTheAllowedAssignmentsWithTheirProbabilities(string name, int shuffleLimit)
    {
        DesignCase designCase = DesignCase.Named(name);
        Dictionary<string, double> allowed = designCase.Allowed();
        var listed = designCase.Declare(shuffleLimit).EnumerateAssignments().ToList();
        Assert.Equal(allowed.Count, listed.Count);
        foreach (var (codes, probability) in listed)
        {
            Assert.True(allowed.TryGetValue(DesignCase.Key(codes), out double expected), $"{DesignCase.Key(codes)} is not allowed");
            Assert.Equal(expected, probability, 1e-12);
        }
        Assert.Equal(allowed.Count, listed.Select(a => DesignCase.Key(a.Codes)).Distinct().Count());
    }

    [Fact]
    public void EnumerationRefusesLargeDesigns()
    {
        var design = AssignmentDesigns.Declare(Enumerable.Range(0, 40).Select(u => u % 2).ToArray());
        Assert.Equal("the design allows 137846528820 assignments, more than the limit of 100000 for enumeration.",
            Assert.Throws<InvalidOperationException>(() => design.EnumerateAssignments()).Message);
    }

    [Fact]
    public void KnownCountsMatchTheirFormulas()
    {
        // 6! / (2! 2! 1! 1!) = 180; blocks (0,1,1) (0,2,1) (0,1): 3 · 6 · 2 = 36; five clusters with codes 0,1,1,2,0 → 5!/(2! 2! 1!) = 30.
        Assert.Equal(180, (int)AssignmentDesigns.Declare([0, 0, 1, 1, 2, 3]).CountAssignments());
        Assert.Equal(36, (int)AssignmentDesigns.Declare([0, 1, 1, 0, 2, 1, 0, 1], blocks: [0, 0, 0, 1, 1, 1, 2, 2]).CountAssignments());
        Assert.Equal(30, (int)AssignmentDesigns.Declare([1, 1, 0, 0, 1, 0, 0, 2], clusters: [3, 3, 8, 8, 1, 0, 0, 6]).CountAssignments());
        // Bernoulli: three codes present, five units → 3^5.
        Assert.Equal(243, (int)AssignmentDesigns.Declare([0, 0, 1, 1, 2], bernoulli: true).CountAssignments());
        // 1,000 units half treated: C(1000, 500), a 300-digit number, and its logarithm.
        int[] half = Enumerable.Range(0, 1000).Select(u => u % 2).ToArray();
        var count = AssignmentDesigns.Declare(half).CountAssignments();
        Assert.Equal(300, count.ToString().Length);
        Assert.Equal(System.Numerics.BigInteger.Log(count), AssignmentDesigns.Declare(half).LogAssignmentCount(), 1e-8);
    }
}

/// <summary>
/// A tiny design (n ≤ 8) and, independently of the library, the exact set of code vectors it allows with the
/// probability of each: every vector in [0, K)^n is checked against the design's definition.
/// </summary>
public sealed record DesignCase(string Name, int[] Codes, int[]? Blocks, int[]? Clusters, bool Bernoulli)
{
    public override string ToString() => Name;

    public int Units => Codes.Length;

    public RandomizedDesign Declare(int shuffleLimit) => new(Codes, Blocks, Clusters, Bernoulli, shuffleLimit);

    /// <summary>Every allowed assignment, keyed by its digits, with its probability under the design.</summary>
    public Dictionary<string, double> Allowed()
    {
        int k = Codes.Max() + 1;
        int[] blocks = Blocks ?? new int[Units];
        int[] clusters = Clusters ?? Enumerable.Range(0, Units).ToArray();
        // One representative unit per cluster: the design acts on clusters.
        int[] representatives = Enumerable.Range(0, Units).GroupBy(u => clusters[u]).Select(g => g.Min()).ToArray();
        var allowed = new Dictionary<string, double>();
        var vector = new int[Units];
        long total = (long)Math.Pow(k, Units);
        for (long index = 0; index < total; index++)
        {
            long rest = index;
            for (int u = 0; u < Units; u++) { vector[u] = (int)(rest % k); rest /= k; }
            if (Enumerable.Range(0, Units).Any(u => vector[u] != vector[representatives.First(r => clusters[r] == clusters[u])])) continue;
            double probability = Bernoulli ? BernoulliProbability(vector, representatives, blocks) : 1;
            if (!Bernoulli && !KeepsBlockMultisets(vector, representatives, blocks)) continue;
            if (probability > 0) allowed[Key(vector)] = probability;
        }
        if (!Bernoulli)
        {
            foreach (string key in allowed.Keys.ToList()) allowed[key] = 1.0 / allowed.Count;
        }
        return allowed;
    }

    private bool KeepsBlockMultisets(int[] vector, int[] representatives, int[] blocks) =>
        representatives.GroupBy(r => blocks[r]).All(block =>
            block.Select(r => vector[r]).Order().SequenceEqual(block.Select(r => Codes[r]).Order()));

    /// <summary>Each cluster draws independently with its block's shares of cluster codes.</summary>
    private double BernoulliProbability(int[] vector, int[] representatives, int[] blocks)
    {
        double probability = 1;
        foreach (int r in representatives)
        {
            int[] peers = representatives.Where(q => blocks[q] == blocks[r]).ToArray();
            probability *= peers.Count(q => Codes[q] == vector[r]) / (double)peers.Length;
        }
        return probability;
    }

    public static string Key(ReadOnlySpan<int> vector)
    {
        var chars = new char[vector.Length];
        for (int u = 0; u < vector.Length; u++) chars[u] = (char)('0' + vector[u]);
        return new string(chars);
    }

    public static DesignCase Named(string name) => All().Single(design => design.Name == name);

    public static IEnumerable<DesignCase> All()
    {
        yield return new("complete", [0, 0, 1, 1, 2, 3], null, null, false);
        yield return new("blocked", [0, 1, 1, 0, 2, 1, 0, 1], [0, 0, 0, 1, 1, 1, 2, 2], null, false);
        yield return new("blocked, scattered ids", [1, 0, 1, 2, 0, 1, 0], [9, -4, 9, -4, 9, 9, -4], null, false);
        yield return new("clustered", [1, 1, 0, 0, 1, 0, 0, 2], null, [3, 3, 8, 8, 1, 0, 0, 6], false);
        yield return new("clusters within blocks", [1, 1, 0, 2, 0, 0, 1, 0], [0, 0, 0, 1, 1, 1, 2, 2], [0, 0, 1, 2, 3, 3, 4, 5], false);
        yield return new("clusters within unequal blocks", [1, 1, 0, 1, 0, 1, 1, 0], [5, 5, 5, 5, 5, 7, 7, 7], [0, 0, 1, 2, 3, 4, 4, 5], false);
        yield return new("Bernoulli", [0, 0, 1, 1, 2], null, null, true);
        yield return new("Bernoulli within blocks", [0, 1, 1, 0, 0, 2], [0, 0, 0, 1, 1, 1], null, true);
        yield return new("Bernoulli clustered", [0, 0, 1, 1, 1, 0], null, [0, 0, 1, 1, 2, 3], true);
        yield return new("Bernoulli clusters within blocks", [1, 1, 0, 0, 2, 1, 0], [0, 0, 0, 0, 1, 1, 1], [0, 0, 1, 2, 3, 4, 5], true);
    }
}
