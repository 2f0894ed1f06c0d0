using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuInference.Data;

namespace GpuInference.Graph;

/// <summary>
/// The fast path for the common edges file: a CSV (plain or gzip) whose header is exactly the two id columns and whose
/// every record is two canonical integers (<c>12,345</c>, ending in LF or CRLF; blank lines allowed), read against
/// integer node ids. The file is read in blocks, each block is cut at line ends into one piece per core, and the
/// pieces are parsed and their ids looked up in parallel; the next block is read meanwhile.
/// <para>
/// Anything else makes it give up: quotes, spaces, another column, an id that is not a canonical integer, an unknown
/// id (unless those are dropped), a read error such as a cut gzip file. The general reader then reads the file from
/// the start and names the file, line and column of whatever is wrong, so an error reads the same whichever path met
/// it first, and nothing is accepted here that the general reader would refuse. Only ASCII digits, minus signs,
/// commas and line ends get through, so the text needs no separate UTF-8 check.
/// </para>
/// </summary>
internal static class PlainIntegerEdgeCsv
{
    /// <summary>Eight megabytes: a block's work dwarfs starting its tasks, and two blocks with the pieces' arrays stay near 64 MB.</summary>
    internal const int DefaultBlockBytes = 1 << 23;
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';
    private const byte Comma = (byte)',';

    /// <summary>
    /// Reads the edges of <paramref name="path"/> as node pairs in file order, with the edges whose ids are unknown
    /// dropped and counted when <see cref="EdgeListOptions.DropUnknownIds"/> is set; false when the file is not of the
    /// plain form (nothing of it is returned then). Tests pass small <paramref name="blockBytes"/> to put many block ends among the lines.
    /// </summary>
    public static bool TryRead(string path, NodeIdIndex ids, EdgeListOptions options,
        out GrowableArray<int> sources, out GrowableArray<int> targets, out long unknown, int blockBytes = DefaultBlockBytes)
    {
        sources = targets = default;
        unknown = 0;
        // Odd options (one column named twice) are left to the general reader, which knows what they mean.
        if (!ids.IsInteger || options.SourceColumn == options.TargetColumn || options.WeightColumn == options.SourceColumn
            || options.WeightColumn == options.TargetColumn || Directory.Exists(path) || !File.Exists(path))
            return false;
        try
        {
            using Stream input = InputFile.OpenRead(path);
            return new Reading(input, ids, options, blockBytes).Run(out sources, out targets, out unknown);
        }
        catch (Exception e) when (e is DataFormatException or IOException or InvalidDataException)
        {
            // The general reader meets the same problem and reports it in its own words.
            return false;
        }
    }

    /// <summary>One pass over one file.</summary>
    private sealed class Reading(Stream input, NodeIdIndex ids, EdgeListOptions options, int blockBytes)
    {
        private readonly Piece[] _pieces = [.. Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Piece())];
        private GrowableArray<int> _sources;
        private GrowableArray<int> _targets;
        private long _unknown;

        public bool Run(out GrowableArray<int> sources, out GrowableArray<int> targets, out long unknown)
        {
            sources = targets = default;
            unknown = 0;
            long guess = input is FileStream file ? file.Length / 16 : input is CheckedGzipStream gzip ? gzip.CompressedLength / 5 : 0;
            _sources = new GrowableArray<int>(Math.Clamp(guess, 1 << 10, Array.MaxLength));
            _targets = new GrowableArray<int>(Math.Clamp(guess, 1 << 10, Array.MaxLength));

            // One spare byte: a last line without a line end gets one, as the general reader ends it at the end of the file.
            var block = new byte[blockBytes + 1];
            var next = new byte[blockBytes + 1];
            int end = input.ReadAtLeast(block.AsSpan(0, blockBytes), blockBytes, throwOnEndOfStream: false);
            bool atEnd = end < blockBytes;
            int start = SkipByteOrderMark(block, end);
            if (!TryReadHeader(block, ref start, end, atEnd, out bool sourceFirst)) return false;
            while (true)
            {
                if (atEnd && end > start && block[end - 1] != NewLine) block[end++] = NewLine;
                int lastLine = block.AsSpan(start, end - start).LastIndexOf(NewLine);
                if (lastLine < 0)
                {
                    if (atEnd) break;
                    return false; // a line longer than a block is no plain edge
                }
                int complete = start + lastLine + 1;
                int tail = end - complete;
                block.AsSpan(complete, tail).CopyTo(next);
                Task<int>? reading = atEnd ? null : Task.Run(() => input.ReadAtLeast(next.AsSpan(tail, blockBytes - tail), blockBytes - tail, throwOnEndOfStream: false));
                bool parsed = ParseBlock(block, start, complete, sourceFirst);
                int got = reading?.GetAwaiter().GetResult() ?? 0; // awaited even after a failure: the stream is disposed next
                if (!parsed) return false;
                if (atEnd) break;
                atEnd = got < blockBytes - tail;
                (block, next) = (next, block);
                start = 0;
                end = tail + got;
            }
            sources = _sources;
            targets = _targets;
            unknown = _unknown;
            return true;
        }

        private static int SkipByteOrderMark(byte[] block, int end) =>
            end >= 3 && block[0] == 0xEF && block[1] == 0xBB && block[2] == 0xBF ? 3 : 0;

        /// <summary>Accepts only a header of exactly the two column names, in either order, without quotes or spaces.</summary>
        private bool TryReadHeader(byte[] block, ref int start, int end, bool atEnd, out bool sourceFirst)
        {
            sourceFirst = true;
            int lineEnd = block.AsSpan(start, end - start).IndexOf(NewLine);
            if (lineEnd < 0 && !atEnd) return false;
            int next = lineEnd < 0 ? end : start + lineEnd + 1;
            var header = block.AsSpan(start, (lineEnd < 0 ? end : start + lineEnd) - start);
            if (header.Length > 0 && header[^1] == CarriageReturn) header = header[..^1];
            int comma = header.IndexOf(Comma);
            if (comma < 0) return false;
            var first = header[..comma];
            var second = header[(comma + 1)..];
            var source = System.Text.Encoding.UTF8.GetBytes(options.SourceColumn);
            var target = System.Text.Encoding.UTF8.GetBytes(options.TargetColumn);
            if (first.SequenceEqual(source) && second.SequenceEqual(target)) sourceFirst = true;
            else if (first.SequenceEqual(target) && second.SequenceEqual(source)) sourceFirst = false;
            else return false;
            start = next;
            return true;
        }

        /// <summary>Parses the whole lines in [start, end) of <paramref name="block"/>, one piece per core, and appends them in file order.</summary>
        private bool ParseBlock(byte[] block, int start, int end, bool sourceFirst)
        {
            int pieceCount = _pieces.Length;
            int cut = start;
            for (int p = 0; p < pieceCount; p++)
            {
                int aim = p == pieceCount - 1 ? end : Math.Max(cut, start + (int)((long)(end - start) * (p + 1) / pieceCount));
                int lineEnd = aim >= end ? -1 : block.AsSpan(aim, end - aim).IndexOf(NewLine);
                int pieceEnd = lineEnd < 0 ? end : aim + lineEnd + 1;
                _pieces[p].Start = cut;
                _pieces[p].End = pieceEnd;
                cut = pieceEnd;
            }
            bool dropUnknown = options.DropUnknownIds;
            Parallel.For(0, pieceCount, p => _pieces[p].Parse(block, ids, sourceFirst, dropUnknown));
            foreach (var piece in _pieces)
            {
                if (!piece.Parsed) return false;
                _sources.AddRange(piece.Sources.AsSpan(0, piece.Count));
                _targets.AddRange(piece.Targets.AsSpan(0, piece.Count));
                _unknown += piece.Unknown;
            }
            return true;
        }
    }

    /// <summary>One core's share of a block, and what it found; the arrays are reused from block to block.</summary>
    private sealed class Piece
    {
        private long[] _firstIds = [];
        private long[] _secondIds = [];
        private int[] _firstNodes = [];
        private int[] _secondNodes = [];

        public int Start { get; set; }
        public int End { get; set; }
        public bool Parsed { get; private set; }
        public int Count { get; private set; }
        public long Unknown { get; private set; }
        public int[] Sources { get; private set; } = [];
        public int[] Targets { get; private set; } = [];

        public void Parse(byte[] block, NodeIdIndex ids, bool sourceFirst, bool dropUnknown)
        {
            Parsed = false;
            Count = 0;
            Unknown = 0;
            // The shortest record, "1,2\n", takes four bytes.
            int most = (End - Start) / 4 + 1;
            if (_firstIds.Length < most)
            {
                _firstIds = new long[most];
                _secondIds = new long[most];
                _firstNodes = new int[most];
                _secondNodes = new int[most];
            }
            int count = ParseRecords(block.AsSpan(Start, End - Start), _firstIds, _secondIds);
            if (count < 0) return;
            ids.GetNodes(_firstIds.AsSpan(0, count), _firstNodes);
            ids.GetNodes(_secondIds.AsSpan(0, count), _secondNodes);
            (int[] sources, int[] targets) = sourceFirst ? (_firstNodes, _secondNodes) : (_secondNodes, _firstNodes);
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                if ((sources[i] | targets[i]) < 0)
                {
                    if (!dropUnknown) return;
                    Unknown++;
                    continue;
                }
                sources[kept] = sources[i];
                targets[kept] = targets[i];
                kept++;
            }
            Sources = sources;
            Targets = targets;
            Count = kept;
            Parsed = true;
        }

        /// <summary>
        /// The records of <paramref name="text"/> (whole lines), or -1 at the first that is not two canonical integers.
        /// The text ends with a line end, which stops every scan, so the bytes are read without bounds checks.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int ParseRecords(ReadOnlySpan<byte> text, Span<long> first, Span<long> second)
        {
            if (text.IsEmpty) return 0;
            if (text[^1] != NewLine) return -1;
            ref byte bytes = ref MemoryMarshal.GetReference(text);
            int count = 0;
            int at = 0;
            while (at < text.Length)
            {
                byte b = Unsafe.Add(ref bytes, at);
                if (b == NewLine) { at++; continue; } // blank line
                if (b == CarriageReturn && Unsafe.Add(ref bytes, at + 1) == NewLine) { at += 2; continue; }
                if (!TryParseCanonicalInteger(ref bytes, ref at, out long a) || Unsafe.Add(ref bytes, at) != Comma) return -1;
                at++;
                if (!TryParseCanonicalInteger(ref bytes, ref at, out long c)) return -1;
                if (Unsafe.Add(ref bytes, at) == CarriageReturn) at++;
                if (Unsafe.Add(ref bytes, at) != NewLine) return -1;
                at++;
                first[count] = a;
                second[count] = c;
                count++;
            }
            return count;
        }

        /// <summary>
        /// The integer starting at <paramref name="at"/>, accepted exactly when <see cref="Utf8Fields.TryParseCanonicalInteger"/>
        /// accepts it (<c>-?(0|[1-9][0-9]*)</c>, fitting a long); <paramref name="at"/> moves past its digits. The caller
        /// guarantees a line end ahead, which is no digit, so the scan stops inside the text.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool TryParseCanonicalInteger(ref byte text, ref int at, out long value)
        {
            value = 0;
            int i = at;
            bool negative = Unsafe.Add(ref text, i) == (byte)'-';
            if (negative) i++;
            int digitsStart = i;
            ulong magnitude = 0;
            uint digit;
            while ((digit = (uint)(Unsafe.Add(ref text, i) - '0')) <= 9)
            {
                magnitude = unchecked(magnitude * 10 + digit); // past 19 digits this wraps, and the length check below refuses it
                i++;
            }
            int digits = i - digitsStart;
            if (digits == 0 || digits > 19) return false;
            if (Unsafe.Add(ref text, digitsStart) == (byte)'0' && (digits > 1 || negative)) return false;
            if (negative)
            {
                if (magnitude > 1UL << 63) return false;
                value = unchecked((long)(0 - magnitude));
            }
            else
            {
                if (magnitude > long.MaxValue) return false;
                value = (long)magnitude;
            }
            at = i;
            return true;
        }
    }
}
