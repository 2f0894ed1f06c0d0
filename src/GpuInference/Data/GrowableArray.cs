namespace GpuInference.Data;

/// <summary>
/// An append-only array of unmanaged values that doubles when full. Used instead of <see cref="List{T}"/> so that
/// the filled prefix can be handed on as a span or trimmed into an exact array without a second copy of the data.
/// </summary>
internal struct GrowableArray<T> where T : unmanaged
{
    private T[] _items;
    private long _count;

    public GrowableArray(long initialCapacity) => _items = new T[Math.Max(16, initialCapacity)];

    public readonly long Count => _count;

    public readonly Span<T> Span => _items.AsSpan(0, checked((int)_count));

    public readonly T this[long index] => _items[index];

    public void Add(T value)
    {
        if (_count == _items.LongLength) Grow();
        _items[_count++] = value;
    }

    /// <summary>Appends <paramref name="values"/> in order.</summary>
    public void AddRange(ReadOnlySpan<T> values)
    {
        while (_items.LongLength - _count < values.Length) Grow();
        values.CopyTo(_items.AsSpan(checked((int)_count)));
        _count += values.Length;
    }

    /// <summary>Appends <paramref name="count"/> items left for the caller to fill, through the span returned.</summary>
    public Span<T> Append(int count)
    {
        while (_items.LongLength - _count < count) Grow();
        var added = _items.AsSpan(checked((int)_count), count);
        _count += count;
        return added;
    }

    /// <summary>The items as an array of exactly <see cref="Count"/> entries (the backing array itself when it fits).</summary>
    public T[] ToTrimmedArray()
    {
        if (_items.LongLength != _count) Array.Resize(ref _items, checked((int)_count));
        return _items;
    }

    private void Grow()
    {
        long next = Math.Min((long)_items.Length * 2, Array.MaxLength);
        if (next <= _items.Length) throw new OutOfMemoryException("more than Array.MaxLength items.");
        Array.Resize(ref _items, (int)next);
    }
}
