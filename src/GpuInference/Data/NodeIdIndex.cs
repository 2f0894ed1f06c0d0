using System.Text;

namespace GpuInference.Data;

/// <summary>
/// Maps node id text (as written in the files) to node index (the row of the nodes table) and back. When every id
/// is a canonical integer the ids are kept as <see cref="long"/>s and looked up by arithmetic (ids that count up by one
/// in node order, such as 0..N-1), in a dense array (ids packed in a small range) or in a hash table; otherwise they
/// are kept as strings. The integer path is only an optimisation: two ids match exactly when their text matches.
/// </summary>
public sealed class NodeIdIndex
{
    // A dense table costs 4 bytes per slot; allow it up to this many slots per node before hashing instead.
    private const long DenseSlotsPerNode = 4;

    private readonly long[]? _integerIds;
    private readonly string[]? _stringIds;
    private readonly int[]? _dense;
    private readonly long _idBase; // the smallest id, for the dense table and the consecutive case
    // Ids base, base+1, … in node order need no table: a 60 MB table looked up at random costs a cache miss per edge.
    private readonly bool _consecutive;
    private readonly Dictionary<long, int>? _integerLookup;
    private readonly Dictionary<string, int>? _stringLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;

    private NodeIdIndex(long[] ids, bool consecutive, int[]? dense, long idBase, Dictionary<long, int>? lookup)
    {
        _integerIds = ids;
        _consecutive = consecutive;
        _dense = dense;
        _idBase = idBase;
        _integerLookup = lookup;
    }

    private NodeIdIndex(string[] ids, Dictionary<string, int> lookup)
    {
        _stringIds = ids;
        _stringLookup = lookup;
        _spanLookup = lookup.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of nodes.</summary>
    public int Count => _integerIds?.Length ?? _stringIds!.Length;

    /// <summary>True when every id is a canonical integer (see <see cref="IntegerIds"/>).</summary>
    public bool IsInteger => _integerIds is not null;

    /// <summary>The ids in node order when <see cref="IsInteger"/>, else null.</summary>
    public IReadOnlyList<long>? IntegerIds => _integerIds;

    internal long[]? IntegerIdArray => _integerIds;

    internal string[]? StringIdArray => _stringIds;

    /// <summary>The id of <paramref name="node"/> as text.</summary>
    public string GetId(int node) => _integerIds is not null
        ? _integerIds[node].ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _stringIds![node];

    /// <summary>Builds an index over integer ids (in node order). Throws <see cref="ArgumentException"/> on a repeated id.</summary>
    public static NodeIdIndex FromIntegers(long[] ids) =>
        TryFromIntegers(ids, out var index, out _, out int second) ? index : throw new ArgumentException($"id {ids[second]} is repeated.", nameof(ids));

    /// <summary>Builds an index over string ids (in node order). Throws <see cref="ArgumentException"/> on a repeated id.</summary>
    public static NodeIdIndex FromStrings(string[] ids) =>
        TryFromStrings(ids, out var index, out _, out int second) ? index : throw new ArgumentException($"id '{ids[second]}' is repeated.", nameof(ids));

    /// <summary>Builds the index, or reports the first repeated id as (earlier node, later node).</summary>
    internal static bool TryFromIntegers(long[] ids, out NodeIdIndex index, out int firstNode, out int secondNode)
    {
        firstNode = secondNode = -1;
        index = null!;
        long min = long.MaxValue, max = long.MinValue;
        foreach (long id in ids)
        {
            if (id < min) min = id;
            if (id > max) max = id;
        }
        if (IsConsecutive(ids))
        {
            index = new NodeIdIndex(ids, consecutive: true, null, ids.Length > 0 ? ids[0] : 0, null);
            return true;
        }
        bool dense = ids.Length > 0 && (ulong)(max - min) < (ulong)Math.Min(Array.MaxLength, Math.Max(1024, DenseSlotsPerNode * ids.Length));
        if (dense)
        {
            var table = new int[max - min + 1];
            table.AsSpan().Fill(-1);
            for (int node = 0; node < ids.Length; node++)
            {
                ref int slot = ref table[ids[node] - min];
                if (slot >= 0) { firstNode = slot; secondNode = node; return false; }
                slot = node;
            }
            index = new NodeIdIndex(ids, consecutive: false, table, min, null);
            return true;
        }
        var lookup = new Dictionary<long, int>(ids.Length);
        for (int node = 0; node < ids.Length; node++)
        {
            if (!lookup.TryAdd(ids[node], node)) { firstNode = lookup[ids[node]]; secondNode = node; return false; }
        }
        index = new NodeIdIndex(ids, consecutive: false, null, 0, lookup);
        return true;
    }

    private static bool IsConsecutive(long[] ids)
    {
        if (ids.Length > 0 && ids[0] > long.MaxValue - ids.Length) return false;
        for (int node = 1; node < ids.Length; node++)
        {
            if (ids[node] != ids[0] + node) return false;
        }
        return true;
    }

    /// <inheritdoc cref="TryFromIntegers"/>
    internal static bool TryFromStrings(string[] ids, out NodeIdIndex index, out int firstNode, out int secondNode)
    {
        firstNode = secondNode = -1;
        index = null!;
        var lookup = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int node = 0; node < ids.Length; node++)
        {
            if (!lookup.TryAdd(ids[node], node)) { firstNode = lookup[ids[node]]; secondNode = node; return false; }
        }
        index = new NodeIdIndex(ids, lookup);
        return true;
    }

    /// <summary>Finds the node whose id is <paramref name="id"/>.</summary>
    public bool TryGetNode(string id, out int node)
    {
        if (_stringLookup is not null) return _stringLookup.TryGetValue(id, out node);
        return TryGetNode(Encoding.UTF8.GetBytes(id), out node);
    }

    /// <summary>Finds the node whose id is the integer <paramref name="id"/> (never matches when ids are strings).</summary>
    public bool TryGetNode(long id, out int node)
    {
        if (_consecutive)
        {
            ulong offset = unchecked((ulong)(id - _idBase));
            node = offset < (ulong)_integerIds!.Length ? (int)offset : -1;
            return node >= 0;
        }
        if (_dense is not null)
        {
            ulong offset = (ulong)(id - _idBase);
            node = offset < (ulong)_dense.Length ? _dense[offset] : -1;
            return node >= 0;
        }
        if (_integerLookup is not null) return _integerLookup.TryGetValue(id, out node);
        node = -1;
        return false;
    }

    /// <summary>
    /// Looks up many integer ids at once: node i of <paramref name="nodes"/> for id i, -1 for an id not in the index
    /// (every id, when the ids are strings). A loop with nothing else in it lets the processor wait on many table
    /// lookups at once, which matters when the ids are in random order.
    /// </summary>
    internal void GetNodes(ReadOnlySpan<long> ids, Span<int> nodes)
    {
        if (_consecutive)
        {
            long idBase = _idBase;
            ulong count = (ulong)_integerIds!.Length;
            for (int i = 0; i < ids.Length; i++)
            {
                ulong offset = unchecked((ulong)(ids[i] - idBase));
                nodes[i] = offset < count ? (int)offset : -1;
            }
            return;
        }
        if (_dense is not null)
        {
            int[] table = _dense;
            long idBase = _idBase;
            for (int i = 0; i < ids.Length; i++)
            {
                ulong offset = unchecked((ulong)(ids[i] - idBase));
                nodes[i] = offset < (ulong)table.Length ? table[offset] : -1;
            }
            return;
        }
        for (int i = 0; i < ids.Length; i++) nodes[i] = TryGetNode(ids[i], out int node) ? node : -1;
    }

    /// <summary>Finds the node whose id is the UTF-8 text <paramref name="utf8Id"/>; the hot path of edge loading.</summary>
    public bool TryGetNode(ReadOnlySpan<byte> utf8Id, out int node)
    {
        if (_integerIds is not null)
        {
            if (Utf8Fields.TryParseCanonicalInteger(utf8Id, out long id)) return TryGetNode(id, out node);
            node = -1;
            return false;
        }
        if (utf8Id.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            int length = Encoding.UTF8.GetChars(utf8Id, chars);
            return _spanLookup.TryGetValue(chars[..length], out node);
        }
        return _stringLookup!.TryGetValue(Encoding.UTF8.GetString(utf8Id), out node);
    }
}
