namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// Gives each distinct encoded id of one partition a small number (0, 1, 2, … in order of first sight), so pairs
/// become 64-bit keys that sort fast. Ids live back to back in one byte arena, found through an open-addressing
/// table with linear probing; no object per id, so the memory is what <see cref="MemoryBytes"/> says.
/// </summary>
internal sealed class IdInterner
{
    private byte[] _arena = new byte[1 << 16];
    private int _arenaUsed;
    private int[] _starts = new int[1 << 12]; // id i is _arena[_starts[i] .. _starts[i + 1])
    private int _count;
    private int[] _slots = NewSlots(1 << 13);   // id + 1, or 0 when empty
    private uint[] _slotHashes = new uint[1 << 13];
    // Canonical integer ids (the usual case) have a table of their own keyed by the zig-zag value itself:
    // one probe compares two longs and never touches the arena.
    private ulong[] _integerKeys = new ulong[1 << 13];
    private int[] _integerSlots = NewSlots(1 << 13);
    private int _integerCount;
    // Non-negative integer ids below _denseLength (ids numbered 0 … N−1, the usual export) are looked up
    // directly by value: one read from a table a few bytes per person in size, which stays in cache where a hash
    // table of the same ids would not. Allocated on first use; only the part used is cleared between partitions.
    private readonly int _denseLength;
    private int[] _dense = [];
    private int _denseUsed;

    /// <param name="denseBytes">Memory allowed for the direct table of small non-negative integer ids.</param>
    public IdInterner(long denseBytes = 0) => _denseLength = (int)Math.Clamp(denseBytes / sizeof(int), 0, Array.MaxLength);

    /// <summary>Distinct ids so far.</summary>
    public int Count => _count;

    /// <summary>Bytes held by the arena and the tables.</summary>
    public long MemoryBytes => _arena.LongLength + 4L * _starts.Length + 8L * _slots.Length + 12L * _integerSlots.Length + 4L * _dense.Length;

    /// <summary>The bytes of id <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> this[int id] => _arena.AsSpan(_starts[id], _starts[id + 1] - _starts[id]);

    /// <summary>Forgets every id and keeps the storage for the next partition.</summary>
    public void Clear()
    {
        _arenaUsed = 0;
        _count = 0;
        _integerCount = 0;
        Array.Clear(_slots);
        Array.Clear(_integerSlots);
        Array.Clear(_dense, 0, _denseUsed);
        _denseUsed = 0;
    }

    /// <summary>Interns the canonical integer id whose zig-zag encoding is <paramref name="zigzag"/>.</summary>
    public int InternInteger(ulong zigzag)
    {
        ulong value = zigzag >> 1;
        if ((zigzag & 1) == 0 && value < (ulong)_denseLength)
        {
            if (value >= (ulong)_dense.Length) GrowDense((int)value + 1);
            ref int known = ref _dense[value];
            if (known != 0) return known - 1;
            int added = Append(Encoded(zigzag, stackalloc byte[11]));
            known = added + 1;
            _denseUsed = Math.Max(_denseUsed, (int)value + 1);
            return added;
        }
        int mask = _integerSlots.Length - 1;
        int slot = (int)(Mix(zigzag) & (ulong)mask);
        while (true)
        {
            int held = _integerSlots[slot];
            if (held == 0) break;
            if (_integerKeys[slot] == zigzag) return held - 1;
            slot = (slot + 1) & mask;
        }
        int id = Append(Encoded(zigzag, stackalloc byte[11]));
        _integerSlots[slot] = id + 1;
        _integerKeys[slot] = zigzag;
        if (++_integerCount * 2 > _integerSlots.Length) RehashIntegers();
        return id;
    }

    public int Intern(ReadOnlySpan<byte> encoded)
    {
        uint hash = (uint)PersonId.Hash(encoded, 0x5EED);
        int mask = _slots.Length - 1;
        int slot = (int)(hash & (uint)mask);
        while (true)
        {
            int held = _slots[slot];
            if (held == 0) break;
            if (_slotHashes[slot] == hash && this[held - 1].SequenceEqual(encoded)) return held - 1;
            slot = (slot + 1) & mask;
        }
        int id = Append(encoded);
        _slots[slot] = id + 1;
        _slotHashes[slot] = hash;
        if (_count * 2 > _slots.Length) Rehash();
        return id;
    }

    private int Append(ReadOnlySpan<byte> encoded)
    {
        int id = _count;
        if (id + 2 > _starts.Length) Array.Resize(ref _starts, checked(_starts.Length * 2));
        if (_arenaUsed + encoded.Length > _arena.Length) Array.Resize(ref _arena, checked(Math.Max(_arena.Length * 2, _arenaUsed + encoded.Length)));
        _starts[id] = _arenaUsed;
        encoded.CopyTo(_arena.AsSpan(_arenaUsed));
        _arenaUsed += encoded.Length;
        _starts[id + 1] = _arenaUsed;
        _count++;
        return id;
    }

    /// <summary>The encoded form of a canonical integer id (see <see cref="PersonId"/>).</summary>
    private static ReadOnlySpan<byte> Encoded(ulong zigzag, Span<byte> into)
    {
        into[0] = 0;
        int length = 1;
        for (ulong v = zigzag; ; v >>= 7)
        {
            if (v < 0x80) { into[length++] = (byte)v; break; }
            into[length++] = (byte)(v | 0x80);
        }
        return into[..length];
    }

    /// <summary>Grows the direct table by doubling (up to its limit), so small inputs never pay for a big one.</summary>
    private void GrowDense(int needed)
    {
        int length = (int)Math.Min(Math.Max((long)needed, Math.Max(1024L, 2L * _dense.Length)), _denseLength);
        Array.Resize(ref _dense, length);
    }

    private void RehashIntegers()
    {
        var slots = NewSlots(_integerSlots.Length * 2);
        var keys = new ulong[slots.Length];
        int mask = slots.Length - 1;
        for (int old = 0; old < _integerSlots.Length; old++)
        {
            int held = _integerSlots[old];
            if (held == 0) continue;
            ulong key = _integerKeys[old];
            int slot = (int)(Mix(key) & (ulong)mask);
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = held;
            keys[slot] = key;
        }
        _integerSlots = slots;
        _integerKeys = keys;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private void Rehash()
    {
        var slots = NewSlots(_slots.Length * 2);
        var hashes = new uint[slots.Length];
        int mask = slots.Length - 1;
        for (int old = 0; old < _slots.Length; old++)
        {
            int held = _slots[old];
            if (held == 0) continue;
            uint hash = _slotHashes[old];
            int slot = (int)(hash & (uint)mask);
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = held;
            hashes[slot] = hash;
        }
        _slots = slots;
        _slotHashes = hashes;
    }

    private static int[] NewSlots(int length) => new int[length];
}
