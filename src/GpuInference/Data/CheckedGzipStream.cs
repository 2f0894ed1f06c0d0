using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace GpuInference.Data;

/// <summary>
/// Decompresses a gzip file member by member and checks every member against its trailer (CRC-32 and length).
/// <see cref="GZipStream"/> checks a trailer that is there, but a file cut short just ends: the partial last row
/// would be read as data. Here a cut file, a damaged deflate stream, a trailer that does not match, and bytes after
/// the last member that do not start another member are each an error naming the file.
/// <para>
/// The deflate data is inflated by <see cref="DeflateStream"/> (zlib), which reads ahead and does not say where the
/// compressed data ended. So the trailer is found by its content: the eight bytes that hold the CRC-32 and length
/// of what this member decompressed to, searched for in the last two reads the inflater made (the end lies there:
/// it asks for more input only while the stream has not ended). A false match would need 64 bits to agree by chance.
/// </para>
/// </summary>
internal sealed class CheckedGzipStream : Stream
{
    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10, FlagReserved = 0xE0;
    private const int TrailerLength = 8;

    private readonly FileStream _file;
    private readonly string _path;
    private readonly long _fileLength;
    private readonly Crc32 _crc = new();
    private ServedBytes _source = null!;
    private DeflateStream? _deflate;
    private long _memberLength;
    private long _memberDataStart;

    public CheckedGzipStream(FileStream file, string path)
    {
        _file = file;
        _path = path;
        _fileLength = file.Length;
        StartMember();
    }

    /// <summary>The compressed file's length, for a progress bar.</summary>
    public long CompressedLength => _fileLength;

    /// <summary>How far into the compressed file reading has got (read ahead by a buffer), for a progress bar.</summary>
    public long CompressedPosition => _file.Position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (_deflate is not null)
        {
            int read;
            try
            {
                read = _deflate.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw Damaged($"the compressed data of the member starting at byte {_memberDataStart} is not valid deflate data");
            }
            if (read > 0)
            {
                _crc.Append(buffer[..read]);
                _memberLength += read;
                return read;
            }
            FinishMember();
        }
        return 0;
    }

    /// <summary>Reads one member's header at the file's position and starts inflating its data.</summary>
    private void StartMember()
    {
        Span<byte> fixedPart = stackalloc byte[10];
        long start = _file.Position;
        int got = _file.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false);
        if (got < 2 || fixedPart[0] != 0x1F || fixedPart[1] != 0x8B) throw Damaged($"byte {start} does not start a gzip member");
        if (got < fixedPart.Length) throw Truncated();
        if (fixedPart[2] != 8) throw Damaged($"compression method {fixedPart[2]} is not deflate");
        byte flags = fixedPart[3];
        if ((flags & FlagReserved) != 0) throw Damaged("a reserved gzip header flag is set");
        if ((flags & FlagExtra) != 0)
        {
            Span<byte> length = stackalloc byte[2];
            if (_file.ReadAtLeast(length, 2, throwOnEndOfStream: false) < 2) throw Truncated();
            Skip(BinaryPrimitives.ReadUInt16LittleEndian(length));
        }
        if ((flags & FlagName) != 0) SkipZeroTerminated();
        if ((flags & FlagComment) != 0) SkipZeroTerminated();
        if ((flags & FlagHeaderCrc) != 0) Skip(2);

        _memberDataStart = _file.Position;
        _memberLength = 0;
        _crc.Reset();
        _source = new ServedBytes(_file);
        _deflate = new DeflateStream(_source, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>The inflater has stopped: find and check the trailer, then start the next member or end.</summary>
    private void FinishMember()
    {
        _deflate!.Dispose();
        _deflate = null;
        long windowStart = Math.Max(_memberDataStart, _source.SecondLastReadStart);
        long windowEnd = Math.Min(_fileLength, _source.End + TrailerLength);
        var window = new byte[windowEnd - windowStart];
        _file.Position = windowStart;
        _file.ReadExactly(window);

        uint crc = _crc.GetCurrentHashAsUInt32();
        uint length = unchecked((uint)_memberLength); // ISIZE is the length modulo 2^32
        long trailerEnd = -1;
        for (int at = 0; at + TrailerLength <= window.Length; at++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(window.AsSpan(at)) == crc
                && BinaryPrimitives.ReadUInt32LittleEndian(window.AsSpan(at + 4)) == length)
            {
                trailerEnd = windowStart + at + TrailerLength;
                break;
            }
        }
        if (trailerEnd < 0)
        {
            // The inflater asked for more input and found none: the deflate data itself is incomplete.
            if (_source.ReachedEnd) throw Truncated();
            throw Damaged($"no trailer matches the CRC-32 and length of the member starting at byte {_memberDataStart} (the file is cut short or a byte changed)");
        }
        _file.Position = trailerEnd;
        if (trailerEnd == _fileLength) return;
        StartMember(); // concatenated members (cat a.gz b.gz, bgzip) are one stream
    }

    private void Skip(int bytes)
    {
        if (_file.Position + bytes > _fileLength) throw Truncated();
        _file.Position += bytes;
    }

    private void SkipZeroTerminated()
    {
        int b;
        while ((b = _file.ReadByte()) > 0) { }
        if (b < 0) throw Truncated();
    }

    private DataFormatException Truncated() =>
        new(_path, "the gzip data ends before its end (the file is truncated: was the copy or download cut short?)");

    private DataFormatException Damaged(string detail) => new(_path, $"damaged gzip data: {detail}");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Hands the file's bytes to the inflater and remembers where its last two reads began and whether one found the end.</summary>
    private sealed class ServedBytes : Stream
    {
        private readonly FileStream _file;
        private long _lastReadStart;

        public ServedBytes(FileStream file)
        {
            _file = file;
            _lastReadStart = SecondLastReadStart = file.Position;
        }

        public long SecondLastReadStart { get; private set; }

        public long End => _file.Position;

        public bool ReachedEnd { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            SecondLastReadStart = _lastReadStart;
            _lastReadStart = _file.Position;
            int read = _file.Read(buffer);
            if (read == 0 && !buffer.IsEmpty) ReachedEnd = true;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
