using System.Text.Unicode;

namespace GpuInference.Data;

/// <summary>
/// A streaming RFC 4180 CSV reader over UTF-8 bytes. Fields are handed out as spans into the read buffer, so
/// numbers parse without a string per field. Records end at LF or CRLF outside quotes; quoted fields may hold
/// commas, doubled quotes and line breaks. Blank lines are skipped; a leading UTF-8 byte-order mark is ignored.
/// It tracks the line where each record starts, so every error can name <c>path:line:field</c>. Every record must
/// be valid UTF-8: a stray Latin-1 byte would otherwise turn into U+FFFD and make two different ids one.
/// </summary>
internal sealed class CsvReader : IDisposable
{
    private const int InitialBufferSize = 1 << 20;
    private const byte Quote = (byte)'"';
    private const byte Comma = (byte)',';
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private int _validatedEnd; // bytes before it are known to be UTF-8
    private bool _endOfStream;
    private bool _atFileStart = true;
    private long _nextLine = 1;
    private int[] _fieldStart = new int[16];
    private int[] _fieldEnd = new int[16];

    public CsvReader(Stream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>Opens a plain or gzip file.</summary>
    public static CsvReader Open(string path) => new(InputFile.OpenRead(path), path);

    /// <summary>The file name used in messages.</summary>
    public string Path { get; }

    /// <summary>1-based line on which the current record starts.</summary>
    public long Line { get; private set; }

    /// <summary>Records returned so far (the header counts as one).</summary>
    public long RecordCount { get; private set; }

    /// <summary>Fields of the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The bytes of field <paramref name="index"/> (0-based) of the current record, quotes removed.</summary>
    public ReadOnlySpan<byte> this[int index] => _buffer.AsSpan(_fieldStart[index], _fieldEnd[index] - _fieldStart[index]);

    /// <summary>Field <paramref name="index"/> as a string.</summary>
    public string GetString(int index) => System.Text.Encoding.UTF8.GetString(this[index]);

    /// <summary>An error at 0-based field <paramref name="index"/> of the current record.</summary>
    public DataFormatException Error(int index, string problem) => new(Path, Line, index + 1, problem);

    /// <summary>Throws unless the current record has exactly <paramref name="expected"/> fields.</summary>
    public void RequireFieldCount(int expected)
    {
        if (FieldCount != expected)
            throw Error(Math.Min(FieldCount, expected), $"expected {expected} fields, found {FieldCount}");
    }

    /// <summary>Moves to the next non-blank record; false at the end of the file.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            if (!FindRecord(out int contentEnd, out int next, out bool quoted, out int innerLines)) return false;
            Line = _nextLine;
            _nextLine += 1 + innerLines;
            int start = _start;
            _start = next;
            if (contentEnd == start) continue; // blank line
            // Checked before splitting, which moves bytes when it removes quotes.
            bool valid = contentEnd <= _validatedEnd || Validate(start, contentEnd);
            if (quoted) SplitQuoted(start, contentEnd);
            else SplitPlain(start, contentEnd);
            if (!valid) throw InvalidUtf8();
            RecordCount++;
            return true;
        }
    }

    /// <summary>
    /// Makes sure one whole record is in the buffer, starting at <c>_start</c>. A first scan only tracks quote
    /// parity to find the record end, so fields are split once the whole record is present and never re-split
    /// after a refill moves the bytes.
    /// </summary>
    private bool FindRecord(out int contentEnd, out int next, out bool quoted, out int innerLines)
    {
        if (_atFileStart) SkipByteOrderMark();
        int scan = _start;
        bool inQuotes = false;
        quoted = false;
        innerLines = 0;
        while (true)
        {
            var rest = _buffer.AsSpan(scan, _end - scan);
            int hit = inQuotes ? rest.IndexOf(Quote) : rest.IndexOfAny(Quote, NewLine);
            if (hit < 0)
            {
                if (_endOfStream)
                {
                    if (inQuotes) throw new DataFormatException(Path, _nextLine, 1, "quoted field is not closed before the end of the file");
                    if (_start == _end) { contentEnd = next = _end; return false; }
                    contentEnd = next = _end;
                    if (contentEnd > _start && _buffer[contentEnd - 1] == CarriageReturn) contentEnd--;
                    return true;
                }
                // Line breaks inside quotes are counted when the closing quote is found, so nothing is counted twice.
                int consumed = scan - _start;
                Refill();
                scan = _start + consumed;
                continue;
            }
            int at = scan + hit;
            if (_buffer[at] == Quote)
            {
                if (inQuotes) innerLines += rest[..hit].Count(NewLine);
                inQuotes = !inQuotes;
                quoted = true;
                scan = at + 1;
                continue;
            }
            next = at + 1;
            contentEnd = at > _start && _buffer[at - 1] == CarriageReturn ? at - 1 : at;
            return true;
        }
    }

    /// <summary>
    /// Checks the record [start, end) is UTF-8, and with it every whole line already in the buffer: one call over
    /// a megabyte costs far less than one per record. A line feed never falls inside a multi-byte character, so
    /// cutting after one is safe. When the lines ahead hold a bad byte, only this record is checked, and the record
    /// that holds it fails when its turn comes.
    /// </summary>
    private bool Validate(int start, int end)
    {
        int lastLineEnd = _buffer.AsSpan(end, _end - end).LastIndexOf(NewLine);
        int chunkEnd = lastLineEnd < 0 ? end : end + lastLineEnd + 1;
        if (Utf8.IsValid(_buffer.AsSpan(start, chunkEnd - start)))
        {
            _validatedEnd = chunkEnd;
            return true;
        }
        if (!Utf8.IsValid(_buffer.AsSpan(start, end - start))) return false;
        _validatedEnd = end;
        return true;
    }

    /// <summary>Names the first field of the current record that is not valid UTF-8, and its first bad byte.</summary>
    private DataFormatException InvalidUtf8()
    {
        for (int i = 0; i < FieldCount; i++)
        {
            var field = this[i];
            if (Utf8.IsValid(field)) continue;
            int at = 0;
            while (System.Text.Rune.DecodeFromUtf8(field[at..], out _, out int used) == System.Buffers.OperationStatus.Done) at += used;
            return Error(i, $"not valid UTF-8: byte 0x{field[at]:X2} at byte {at + 1} of the field (save the file as UTF-8)");
        }
        // Unreachable: removing quotes cannot make invalid text valid; kept so that the record still fails.
        return Error(0, "not valid UTF-8 (save the file as UTF-8)");
    }

    private void SkipByteOrderMark()
    {
        while (_end - _start < 3 && !_endOfStream) Refill();
        if (_end - _start >= 3 && _buffer[_start] == 0xEF && _buffer[_start + 1] == 0xBB && _buffer[_start + 2] == 0xBF) _start += 3;
        _atFileStart = false;
    }

    /// <summary>Moves the unread bytes to the front, grows the buffer if one record fills it, and reads more.</summary>
    private void Refill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _validatedEnd = Math.Max(0, _validatedEnd - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, checked(_buffer.Length * 2));
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _endOfStream = true;
        _end += read;
    }

    private void SplitPlain(int start, int end)
    {
        int count = 0;
        int fieldStart = start;
        while (true)
        {
            int comma = _buffer.AsSpan(fieldStart, end - fieldStart).IndexOf(Comma);
            int fieldEnd = comma < 0 ? end : fieldStart + comma;
            AddField(ref count, fieldStart, fieldEnd);
            if (comma < 0) break;
            fieldStart = fieldEnd + 1;
        }
        FieldCount = count;
    }

    /// <summary>Splits a record holding quotes, removing quotes in place: unquoting only ever shortens a field.</summary>
    private void SplitQuoted(int start, int end)
    {
        int count = 0;
        int read = start;
        while (true)
        {
            int fieldStart = read;
            int write = read;
            if (read < end && _buffer[read] == Quote)
            {
                read++;
                while (true)
                {
                    if (read >= end) throw Error(count, "quoted field is not closed");
                    byte b = _buffer[read++];
                    if (b != Quote) { _buffer[write++] = b; continue; }
                    if (read < end && _buffer[read] == Quote) { _buffer[write++] = Quote; read++; continue; }
                    break;
                }
                if (read < end && _buffer[read] != Comma)
                    throw Error(count, "unexpected character after a closing quote");
            }
            else
            {
                while (read < end && _buffer[read] != Comma)
                {
                    if (_buffer[read] == Quote) throw Error(count, "quote inside an unquoted field (quote the whole field and double the quote)");
                    _buffer[write++] = _buffer[read++];
                }
            }
            AddField(ref count, fieldStart, write);
            if (read >= end) break;
            read++; // the comma
            if (read == end) { AddField(ref count, end, end); break; }
        }
        FieldCount = count;
    }

    private void AddField(ref int count, int start, int end)
    {
        if (count == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, count * 2);
            Array.Resize(ref _fieldEnd, count * 2);
        }
        _fieldStart[count] = start;
        _fieldEnd[count] = end;
        count++;
    }

    public void Dispose() => _stream.Dispose();
}
