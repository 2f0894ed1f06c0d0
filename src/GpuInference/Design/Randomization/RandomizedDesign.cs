using System.Buffers;
using System.Globalization;
using System.Numerics;

namespace GpuInference.Design.Randomization;

/// <summary>
/// A design that re-randomizes the observed codes: complete, blocked, clustered, clusters within blocks, each by
/// permutation or by Bernoulli redraws. A clustered design is "collapse to clusters → design over clusters → expand
/// back". Build it with <see cref="AssignmentDesigns.Declare"/>.
/// <para>
/// Permutation keeps each block's multiset of codes (of clusters' codes, when clustered) and reaches every
/// arrangement of it with equal probability. Bernoulli gives each unit (each cluster) the code of a unit (cluster)
/// of its block drawn uniformly with replacement: codes redrawn independently with the block's observed shares
/// (shares of clusters, when clustered).
/// </para>
/// </summary>
public sealed class RandomizedDesign : IAssignmentDesign
{
    private readonly int[] _itemCodes;
    private readonly byte[]? _itemCodeBytes;
    private readonly Grouping _items;
    private readonly Grouping? _clusters;
    private readonly ItemDraws _draws;

    internal RandomizedDesign(int[] codes, int[]? blocks, int[]? clusters, bool bernoulli, int shuffleLimit)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Length == 0) throw new ArgumentException("a design needs at least one unit.", nameof(codes));
        int n = codes.Length;
        if (blocks is not null && blocks.Length != n)
            throw new ArgumentException($"one block id per unit is needed: {blocks.Length} block ids for {n} units.", nameof(blocks));
        if (clusters is not null && clusters.Length != n)
            throw new ArgumentException($"one cluster id per unit is needed: {clusters.Length} cluster ids for {n} units.", nameof(clusters));
        int max = 0;
        for (int unit = 0; unit < n; unit++)
        {
            if (codes[unit] < 0) throw new ArgumentOutOfRangeException(nameof(codes), $"unit {unit} has the negative code {codes[unit]}.");
            max = Math.Max(max, codes[unit]);
        }

        UnitCount = n;
        CodeCount = max + 1;
        IsBernoulli = bernoulli;
        HasBlocks = blocks is not null;
        int[]? itemBlocks = blocks;
        if (clusters is null)
        {
            _itemCodes = (int[])codes.Clone();
        }
        else
        {
            (_clusters, _itemCodes, itemBlocks) = ClusterCollapse.Collapse(codes, clusters, blocks);
        }
        _items = itemBlocks is null ? Grouping.Single(_itemCodes.Length) : Grouping.ById(itemBlocks);
        _itemCodeBytes = CodeCount <= 256 ? Array.ConvertAll(_itemCodes, code => (byte)code) : null;
        _draws = new ItemDraws(_items, bernoulli, shuffleLimit);
    }

    /// <inheritdoc/>
    public int UnitCount { get; }

    /// <inheritdoc/>
    public int CodeCount { get; }

    /// <inheritdoc/>
    public long? PermutationLimit => null;

    /// <summary>Whether units are grouped in blocks that keep (permutation) or draw from (Bernoulli) their own codes.</summary>
    public bool HasBlocks { get; }

    /// <summary>Whether whole clusters move.</summary>
    public bool HasClusters => _clusters is not null;

    /// <summary>Whether codes are redrawn independently rather than permuted.</summary>
    public bool IsBernoulli { get; }

    /// <summary>The number of blocks (1 without blocks).</summary>
    public int BlockCount => _items.Count;

    /// <summary>The number of clusters (0 without clusters).</summary>
    public int ClusterCount => _clusters?.Count ?? 0;

    /// <inheritdoc/>
    public string Describe() => Description(UnitCount, HasBlocks ? BlockCount : 0, ClusterCount, CodeCount, IsBernoulli);

    /// <summary>How a design re-draws its units, as reports write it; 0 blocks or clusters: none.</summary>
    public static string Description(long unitCount, int blocks, int clusters, int codes, bool bernoulli)
    {
        var c = CultureInfo.InvariantCulture;
        string units = string.Format(c, "{0:N0} units", unitCount);
        if (clusters > 0) units += string.Format(c, " in {0:N0} clusters", clusters);
        if (blocks > 0) units += string.Format(c, "{0} {1:N0} blocks", clusters > 0 ? " and" : " in", blocks);
        string kind = (blocks > 0, clusters > 0) switch
        {
            (false, false) => bernoulli ? "independent" : "complete",
            (true, false) => "blocked",
            (false, true) => "clustered",
            _ => "clusters within blocks",
        };
        string method = bernoulli
            ? (blocks > 0 ? "Bernoulli redraws with each block's observed shares" : "Bernoulli redraws with the observed shares")
            : "permutation";
        return string.Format(c, "{0} {1}: {2}, {3} codes", kind, method, units, codes);
    }

    /// <inheritdoc/>
    public BigInteger CountAssignments() => AssignmentCount.Count(_items, _itemCodes, IsBernoulli);

    /// <inheritdoc/>
    public double LogAssignmentCount() => AssignmentCount.Log(_items, _itemCodes, IsBernoulli);

    /// <summary>
    /// Every assignment the design allows, once each, with its probability (randomizr's exact permutation matrix):
    /// for permutation designs all equally likely, for Bernoulli designs the product of the shares drawn. Refuses a
    /// design with more than <paramref name="limit"/> assignments: sample those with <see cref="Draw(ulong, long, Span{int})"/>.
    /// </summary>
    public IEnumerable<(int[] Codes, double Probability)> EnumerateAssignments(long limit = 100_000)
    {
        System.Numerics.BigInteger count = CountAssignments();
        if (count > limit)
            throw new InvalidOperationException($"the design allows {count} assignments, more than the limit of {limit} for enumeration.");
        return Expand(AssignmentEnumeration.Enumerate(_items, _itemCodes, IsBernoulli, (double)count));
    }

    private IEnumerable<(int[] Codes, double Probability)> Expand(IEnumerable<(int[] ItemCodes, double Probability)> assignments)
    {
        foreach (var (itemCodes, probability) in assignments)
        {
            if (_clusters is null)
            {
                yield return (itemCodes, probability);
                continue;
            }
            var codes = new int[UnitCount];
            for (int unit = 0; unit < codes.Length; unit++) codes[unit] = itemCodes[_clusters.IndexOf[unit]];
            yield return (codes, probability);
        }
    }

    /// <inheritdoc/>
    public void Draw(ulong seed, long permutation, Span<int> drawn) => Draw(seed, permutation, drawn, _itemCodes);

    /// <inheritdoc/>
    public void Draw(ulong seed, long permutation, Span<byte> drawn)
    {
        if (_itemCodeBytes is null) throw new InvalidOperationException($"codes up to {CodeCount - 1} do not fit in a byte.");
        Draw(seed, permutation, drawn, _itemCodeBytes);
    }

    /// <summary>
    /// The draw as source units rather than codes: <paramref name="sources"/>[u] is the unit whose permuted values
    /// unit u takes in permutation <paramref name="permutation"/> (for a clustered design, the first unit of the
    /// cluster it takes them from). Applying it to each permuted column, <c>column[sources[u]]</c>, gives exactly
    /// <see cref="Draw(ulong, long, Span{int})"/>'s codes, so columns can be moved one at a time or bit-sliced.
    /// </summary>
    public void DrawSources(ulong seed, long permutation, Span<int> sources)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permutation);
        if (sources.Length != UnitCount)
            throw new ArgumentException($"one source per unit is needed: a span of {sources.Length} for {UnitCount} units.", nameof(sources));
        if (_clusters is null)
        {
            _draws.Sources(seed, (ulong)permutation, sources);
            return;
        }
        int clusters = _itemCodes.Length;
        int[] rented = ArrayPool<int>.Shared.Rent(clusters);
        try
        {
            Span<int> clusterSources = rented.AsSpan(0, clusters);
            _draws.Sources(seed, (ulong)permutation, clusterSources);
            int[] clusterOf = _clusters.IndexOf, order = _clusters.Order, starts = _clusters.Starts;
            for (int unit = 0; unit < sources.Length; unit++) sources[unit] = order[starts[clusterSources[clusterOf[unit]]]];
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Whether <see cref="DrawChanges"/> can list a permutation's changes: every permutation design can; Bernoulli
    /// redraws move every unit.
    /// </summary>
    public bool ListsChanges => !IsBernoulli;

    /// <summary>
    /// Permutation <paramref name="permutation"/> as the units whose drawn code is not <paramref name="baseline"/>,
    /// with their codes (every other unit draws the baseline): the same assignment as <see cref="Draw(ulong, long, Span{int})"/>,
    /// in time proportional to the units off the baseline rather than to all units. With a common baseline (a
    /// control group of most people, or the paper's 98% who saw both) a batch then touches few units. The spans need
    /// room for every unit the baseline leaves out: <see cref="ChangeCapacity"/>.
    /// </summary>
    /// <returns>The number of units written.</returns>
    public int DrawChanges(ulong seed, long permutation, int baseline, Span<int> units, Span<int> codes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permutation);
        if (IsBernoulli) throw new InvalidOperationException("Bernoulli redraws move every unit: draw them all.");
        if (_clusters is null && _draws.IsOneBlock)
        {
            // Complete randomization: the marked units' preimages are the changed units, in the order of the marked
            // units, whose codes are known before any draw.
            MarkedItems off = MarkedOff(baseline);
            _draws.OneBlockPreimages(seed, (ulong)permutation, off.Positions, units);
            off.Codes.CopyTo(codes);
            return off.Positions.Length;
        }
        (_, uint[] marked, int[] starts, _) = MarkedOff(baseline);
        int[] sources = ArrayPool<int>.Shared.Rent(Math.Max(1, marked.Length));
        if (_clusters is null)
        {
            // Items are units: the pairs' items go straight into the units.
            try
            {
                int pairs = _draws.MarkedSources(seed, (ulong)permutation, marked, starts, units, sources);
                for (int t = 0; t < pairs; t++) codes[t] = _itemCodes[sources[t]];
                return pairs;
            }
            finally
            {
                ArrayPool<int>.Shared.Return(sources);
            }
        }
        int[] items = ArrayPool<int>.Shared.Rent(Math.Max(1, marked.Length));
        try
        {
            int pairs = _draws.MarkedSources(seed, (ulong)permutation, marked, starts, items, sources);
            int written = 0;
            for (int t = 0; t < pairs; t++)
            {
                int code = _itemCodes[sources[t]];
                for (int at = _clusters.Starts[items[t]]; at < _clusters.Starts[items[t] + 1]; at++, written++)
                {
                    units[written] = _clusters.Order[at];
                    codes[written] = code;
                }
            }
            return written;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(items);
            ArrayPool<int>.Shared.Return(sources);
        }
    }

    /// <summary>The most units <see cref="DrawChanges"/> writes for <paramref name="baseline"/>.</summary>
    public int ChangeCapacity(int baseline)
    {
        if (_clusters is not null) return UnitCount; // clusters of different sizes trade places
        int count = 0;
        foreach (int code in _itemCodes) count += code != baseline ? 1 : 0;
        return count;
    }

    private MarkedItems? _marked;

    /// <summary>The block positions of the items off one baseline, block by block, and each one's code.</summary>
    private sealed record MarkedItems(int Baseline, uint[] Positions, int[] Starts, int[] Codes);

    /// <summary>The block positions of the items off the baseline, block by block, with their codes (cached for the last baseline asked).</summary>
    private MarkedItems MarkedOff(int baseline)
    {
        if (_marked is { } cached && cached.Baseline == baseline) return cached;
        var marked = new List<uint>();
        var starts = new int[_items.Count + 1];
        for (int block = 0; block < _items.Count; block++)
        {
            int start = _items.Starts[block];
            for (int j = 0; j < _items.SizeOf(block); j++)
            {
                if (_itemCodes[_items.Order[start + j]] != baseline) marked.Add((uint)j);
            }
            starts[block + 1] = marked.Count;
        }
        var codes = new int[marked.Count];
        for (int block = 0; block < _items.Count; block++)
        {
            for (int m = starts[block]; m < starts[block + 1]; m++) codes[m] = _itemCodes[_items.Order[_items.Starts[block] + (int)marked[m]]];
        }
        var result = new MarkedItems(baseline, [.. marked], starts, codes);
        _marked = result;
        return result;
    }

    private void Draw<T>(ulong seed, long permutation, Span<T> drawn, T[] itemCodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permutation);
        if (drawn.Length != UnitCount)
            throw new ArgumentException($"one code per unit is needed: a span of {drawn.Length} for {UnitCount} units.", nameof(drawn));
        int items = _itemCodes.Length;
        int[] rented = ArrayPool<int>.Shared.Rent(items);
        try
        {
            Span<int> sources = rented.AsSpan(0, items);
            _draws.Sources(seed, (ulong)permutation, sources);
            if (_clusters is null)
            {
                for (int unit = 0; unit < drawn.Length; unit++) drawn[unit] = itemCodes[sources[unit]];
            }
            else
            {
                int[] clusterOf = _clusters.IndexOf;
                for (int unit = 0; unit < drawn.Length; unit++) drawn[unit] = itemCodes[sources[clusterOf[unit]]];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }
}
