namespace GpuInference.Graph.CloseFriends;

/// <summary>
/// Writes a spill file: LEB128 varints and raw bytes through a buffer of a chosen size (the buffers of the first
/// pass's partitions are what the memory budget pays for, so their size is set by the caller).
/// </summary>
internal sealed class SpillWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _buffer;
    private int _used;
    private bool _disposed;

    public SpillWriter(string path, int bufferSize)
    {
        Path = path;
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.SequentialScan);
        _buffer = new byte[Math.Max(64, bufferSize)];
    }

    public string Path { get; }

    /// <summary>Bytes written so far.</summary>
    public long Length => _file.Position + _used;

    /// <summary>The largest encoding of one varint.</summary>
    public const int MaxVarintBytes = 10;

    public void WriteVarint(ulong value)
    {
        if (_buffer.Length - _used < MaxVarintBytes) Flush();
        while (value >= 0x80)
        {
            _buffer[_used++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_used++] = (byte)value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_used == _buffer.Length) Flush();
            int n = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n;
            bytes = bytes[n..];
        }
    }

    public void Flush()
    {
        _file.Write(_buffer, 0, _used);
        _used = 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Flush();
        }
        finally
        {
            _file.Dispose();
        }
    }
}

/// <summary>Reads what <see cref="SpillWriter"/> wrote.</summary>
internal sealed class SpillReader : IDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    public SpillReader(string path, int bufferSize = 1 << 20)
    {
        Path = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        _buffer = new byte[Math.Max(64, bufferSize)];
    }

    public string Path { get; }

    /// <summary>True when every byte has been read.</summary>
    public bool AtEnd => _start == _end && !Fill(1);

    /// <summary>The next byte without consuming it (the end of the file is an error).</summary>
    public byte PeekByte()
    {
        if (_start == _end && !Fill(1)) throw Truncated();
        return _buffer[_start];
    }

    public ulong ReadVarint()
    {
        if (_end - _start < SpillWriter.MaxVarintBytes) Fill(SpillWriter.MaxVarintBytes);
        ulong value = 0;
        int shift = 0;
        while (true)
        {
            if (_start == _end) throw Truncated();
            byte b = _buffer[_start++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
            shift += 7;
        }
    }

    public void ReadBytes(Span<byte> into)
    {
        while (into.Length > 0)
        {
            if (_start == _end && !Fill(1)) throw Truncated();
            int n = Math.Min(into.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(into);
            _start += n;
            into = into[n..];
        }
    }

    /// <summary>Tops the buffer up to at least <paramref name="wanted"/> bytes where the file has them.</summary>
    private bool Fill(int wanted)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end < wanted)
        {
            int read = _file.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) break;
            _end += read;
        }
        return _end > 0;
    }

    private InvalidDataException Truncated() => new($"spill file {Path} ends early (was it changed while the run went on?)");

    public void Dispose() => _file.Dispose();
}
