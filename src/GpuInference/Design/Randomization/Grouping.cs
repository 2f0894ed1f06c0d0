namespace GpuInference.Design.Randomization;

/// <summary>
/// Items (units or clusters) grouped by an integer id: each distinct id becomes a dense index in ascending order of
/// the ids, and <see cref="Order"/> lists the items group by group, each group in item order, so group g occupies
/// <c>Order[Starts[g] .. Starts[g + 1])</c>.
/// </summary>
internal sealed class Grouping
{
    private Grouping(int[] ids, int[] indexOf, int[] order, int[] starts)
    {
        Ids = ids;
        IndexOf = indexOf;
        Order = order;
        Starts = starts;
    }

    /// <summary>The distinct ids, ascending; group g has id <c>Ids[g]</c>.</summary>
    public int[] Ids { get; }

    /// <summary>The group of each item.</summary>
    public int[] IndexOf { get; }

    /// <summary>The items, group by group.</summary>
    public int[] Order { get; }

    /// <summary>Where each group starts in <see cref="Order"/>, with the item count at the end.</summary>
    public int[] Starts { get; }

    /// <summary>The number of groups.</summary>
    public int Count => Ids.Length;

    /// <summary>The number of items.</summary>
    public int ItemCount => IndexOf.Length;

    /// <summary>The size of group <paramref name="group"/>.</summary>
    public int SizeOf(int group) => Starts[group + 1] - Starts[group];

    /// <summary>One group holding every item, in item order.</summary>
    public static Grouping Single(int items)
    {
        var order = new int[items];
        for (int i = 0; i < items; i++) order[i] = i;
        return new Grouping([0], new int[items], order, [0, items]);
    }

    /// <summary>Groups items by <paramref name="ids"/>.</summary>
    public static Grouping ById(ReadOnlySpan<int> ids)
    {
        int[] distinct = ids.ToArray();
        Array.Sort(distinct);
        int count = 0;
        for (int i = 0; i < distinct.Length; i++)
        {
            if (i == 0 || distinct[i] != distinct[i - 1]) distinct[count++] = distinct[i];
        }
        Array.Resize(ref distinct, count);

        var indexOf = new int[ids.Length];
        var starts = new int[count + 1];
        for (int i = 0; i < ids.Length; i++)
        {
            int group = Array.BinarySearch(distinct, ids[i]);
            indexOf[i] = group;
            starts[group + 1]++;
        }
        for (int g = 0; g < count; g++) starts[g + 1] += starts[g];
        var next = starts[..count];
        var order = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++) order[next[indexOf[i]]++] = i;
        return new Grouping(distinct, indexOf, order, starts);
    }
}
