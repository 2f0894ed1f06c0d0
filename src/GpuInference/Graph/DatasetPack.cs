using System.Runtime.InteropServices;
using System.Text;
using GpuInference.Graph;
using GpuInference.Data;

namespace GpuInference.Graph;

/// <summary>A nodes table and its close-friend graph, as stored together in a pack file.</summary>
public sealed record PackedDataset(NodeTable Nodes, CsrGraph Graph);

/// <summary>
/// The binary form of a loaded dataset, written by <c>gpuinference pack</c> so that later runs skip CSV parsing.
/// <para>
/// Layout (little-endian): the 8-byte magic <c>GINFPACK</c>; version (u32); section count (u32); node count (i64);
/// self-loops and duplicates dropped (i64 each); then per section a 24-byte entry (tag u32, element size u32, byte
/// length i64, checksum u64); a checksum (u64) of everything before it; then the sections' bytes in entry order.
/// Arrays are written and read whole through <see cref="MemoryMarshal.AsBytes{T}(Span{T})"/>, so loading is a few
/// large sequential reads straight into the final arrays.
/// </para>
/// </summary>
public static class DatasetPack
{
    /// <summary>The current format version; readers refuse others.</summary>
    public const uint Version = 1;

    private static ReadOnlySpan<byte> Magic => "GINFPACK"u8;
    private const int FixedHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8;
    private const int EntryBytes = 24;
    private const int IoChunkBytes = 1 << 26; // spans are int-indexed: move large arrays in 64 MiB pieces

    private enum Tag : uint
    {
        Cells = 1, Outcome = 2, Vote2010 = 3, Vote2010Levels = 4, LoggedIn = 5, IntegerIds = 6, StringIds = 7,
        RowOffsets = 8, Columns = 9, Weights = 10, Source = 11,
    }

    /// <summary>Writes <paramref name="nodes"/> and <paramref name="graph"/> to <paramref name="path"/> (through a temporary file, then renamed).</summary>
    public static void Write(string path, NodeTable nodes, CsrGraph graph)
    {
        if (graph.NodeCount != nodes.Count) throw new ArgumentException($"graph has {graph.NodeCount} nodes, table {nodes.Count}.", nameof(graph));
        var sections = new List<(Tag Tag, int ElementSize, byte[]? Owned, Array? Array)>
        {
            (Tag.Cells, 1, null, nodes.Cells),
            (Tag.Outcome, 8, null, nodes.Outcome),
            (Tag.Vote2010, 1, null, nodes.Vote2010),
            (Tag.Vote2010Levels, 1, EncodeStrings(nodes.Vote2010Levels), null),
            (Tag.Source, 1, Encoding.UTF8.GetBytes(nodes.Source), null),
            (Tag.RowOffsets, 8, null, graph.RowOffsets),
            (Tag.Columns, 4, null, graph.Columns),
        };
        if (nodes.LoggedIn is not null) sections.Add((Tag.LoggedIn, 1, null, nodes.LoggedIn));
        if (nodes.Ids?.IntegerIdArray is { } integerIds) sections.Add((Tag.IntegerIds, 8, null, integerIds));
        if (nodes.Ids?.StringIdArray is { } stringIds) sections.Add((Tag.StringIds, 1, EncodeStrings(stringIds), null));
        if (graph.Weights is not null) sections.Add((Tag.Weights, 4, null, graph.Weights));

        var header = new byte[FixedHeaderBytes + sections.Count * EntryBytes + 8];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        Put(span, 8, Version);
        Put(span, 12, (uint)sections.Count);
        Put(span, 16, (long)nodes.Count);
        Put(span, 24, graph.SelfLoopsDropped);
        Put(span, 32, graph.DuplicatesDropped);
        for (int s = 0; s < sections.Count; s++)
        {
            var bytes = BytesOf(sections[s].Owned, sections[s].Array);
            int at = FixedHeaderBytes + s * EntryBytes;
            Put(span, at, (uint)sections[s].Tag);
            Put(span, at + 4, (uint)sections[s].ElementSize);
            Put(span, at + 8, (long)bytes.Length);
            Put(span, at + 16, PackChecksum.Compute(bytes));
        }
        Put(span, header.Length - 8, PackChecksum.Compute(span[..^8]));

        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            file.Write(header);
            foreach (var section in sections)
            {
                var bytes = BytesOf(section.Owned, section.Array);
                for (int at = 0; at < bytes.Length; at += IoChunkBytes) file.Write(bytes.Slice(at, Math.Min(IoChunkBytes, bytes.Length - at)));
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Reads a pack file. A folder, a wrong magic or version, a truncated or over-long file, or a checksum mismatch gives a
    /// <see cref="DataFormatException"/> with a one-line message naming the file and the section.
    /// </summary>
    public static PackedDataset Read(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException(path, "is a folder, not a file");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long fileLength = file.Length;
        var fixedHeader = new byte[FixedHeaderBytes];
        if (fileLength < FixedHeaderBytes) throw new DataFormatException(path, $"not a pack file: {fileLength} bytes, shorter than the {FixedHeaderBytes}-byte header");
        file.ReadExactly(fixedHeader);
        if (!fixedHeader.AsSpan(0, 8).SequenceEqual(Magic)) throw new DataFormatException(path, "not a pack file (bad magic bytes)");
        uint version = Get<uint>(fixedHeader, 8);
        if (version != Version) throw new DataFormatException(path, $"pack format version {version}; this build reads version {Version}");
        uint sectionCount = Get<uint>(fixedHeader, 12);
        if (sectionCount > 64) throw new DataFormatException(path, $"corrupt header: {sectionCount} sections");
        long headerLength = FixedHeaderBytes + sectionCount * EntryBytes + 8;
        if (fileLength < headerLength) throw new DataFormatException(path, $"truncated: {fileLength} bytes, header needs {headerLength}");
        var header = new byte[headerLength];
        fixedHeader.CopyTo(header, 0);
        file.ReadExactly(header.AsSpan(FixedHeaderBytes));
        if (PackChecksum.Compute(header.AsSpan(0, header.Length - 8)) != Get<ulong>(header, header.Length - 8))
            throw new DataFormatException(path, "corrupt header (checksum mismatch)");

        long nodeCount = Get<long>(header, 16);
        if (nodeCount is < 0 or > int.MaxValue) throw new DataFormatException(path, $"corrupt header: node count {nodeCount}");
        var entries = new (Tag Tag, int ElementSize, long Bytes, ulong Checksum)[sectionCount];
        long expectedLength = headerLength;
        for (int s = 0; s < sectionCount; s++)
        {
            int at = FixedHeaderBytes + s * EntryBytes;
            entries[s] = ((Tag)Get<uint>(header, at), (int)Get<uint>(header, at + 4), Get<long>(header, at + 8), Get<ulong>(header, at + 16));
            expectedLength += entries[s].Bytes;
        }
        if (fileLength != expectedLength)
            throw new DataFormatException(path, fileLength < expectedLength
                ? $"truncated: {fileLength} bytes, the header describes {expectedLength}"
                : $"{fileLength - expectedLength} unexpected bytes after the last section");

        var arrays = new Dictionary<Tag, Array>();
        foreach (var entry in entries)
        {
            if (entry.Bytes < 0 || entry.Bytes > (long)Array.MaxLength * Math.Max(1, entry.ElementSize))
                throw new DataFormatException(path, $"corrupt header: section {entry.Tag} claims {entry.Bytes} bytes");
            Array array = entry.Tag switch
            {
                Tag.Cells => new TreatmentCell[entry.Bytes],
                Tag.Outcome => new double[entry.Bytes / 8],
                Tag.RowOffsets or Tag.IntegerIds => new long[entry.Bytes / 8],
                Tag.Columns => new int[entry.Bytes / 4],
                Tag.Weights => new float[entry.Bytes / 4],
                _ => new byte[entry.Bytes],
            };
            var bytes = BytesOf(null, array);
            if (bytes.Length != entry.Bytes) throw new DataFormatException(path, $"corrupt header: section {entry.Tag} has {entry.Bytes} bytes, not a whole number of elements");
            for (int at = 0; at < bytes.Length; at += IoChunkBytes) file.ReadExactly(bytes.Slice(at, Math.Min(IoChunkBytes, bytes.Length - at)));
            if (PackChecksum.Compute(bytes) != entry.Checksum) throw new DataFormatException(path, $"corrupt section {entry.Tag} (checksum mismatch)");
            arrays[entry.Tag] = array;
        }
        return Assemble(path, (int)nodeCount, Get<long>(header, 24), Get<long>(header, 32), arrays);
    }

    private static PackedDataset Assemble(string path, int nodeCount, long selfLoops, long duplicates, Dictionary<Tag, Array> arrays)
    {
        T Need<T>(Tag tag) where T : class =>
            arrays.TryGetValue(tag, out var array) ? (T)(object)array : throw new DataFormatException(path, $"missing section {tag}");
        var cells = Need<TreatmentCell[]>(Tag.Cells);
        var outcome = Need<double[]>(Tag.Outcome);
        var vote = Need<byte[]>(Tag.Vote2010);
        var offsets = Need<long[]>(Tag.RowOffsets);
        var columns = Need<int[]>(Tag.Columns);
        arrays.TryGetValue(Tag.LoggedIn, out var logged);
        arrays.TryGetValue(Tag.Weights, out var weights);
        if (cells.Length != nodeCount || outcome.Length != nodeCount || vote.Length != nodeCount || offsets.Length != nodeCount + 1
            || (logged is not null && logged.Length != nodeCount) || offsets[^1] != columns.Length || (weights is not null && weights.Length != columns.Length))
            throw new DataFormatException(path, "corrupt: section lengths disagree with the node and edge counts");

        NodeIdIndex? ids = null;
        if (arrays.TryGetValue(Tag.IntegerIds, out var integerIds) && !NodeIdIndex.TryFromIntegers((long[])integerIds, out ids, out _, out _)
            || arrays.TryGetValue(Tag.StringIds, out var stringIds) && !NodeIdIndex.TryFromStrings(DecodeStrings(path, (byte[])stringIds), out ids, out _, out _))
            throw new DataFormatException(path, "corrupt: repeated node id");
        if (ids is not null && ids.Count != nodeCount) throw new DataFormatException(path, "corrupt: id count differs from the node count");

        var nodes = new NodeTable
        {
            Count = nodeCount,
            Cells = cells,
            Outcome = outcome,
            Vote2010 = vote,
            Vote2010Levels = DecodeStrings(path, Need<byte[]>(Tag.Vote2010Levels)),
            LoggedIn = (byte[]?)logged,
            Ids = ids,
            Source = arrays.TryGetValue(Tag.Source, out var source) ? Encoding.UTF8.GetString((byte[])source) : path,
        };
        var graph = new CsrGraph
        {
            NodeCount = nodeCount,
            RowOffsets = offsets,
            Columns = columns,
            Weights = (float[]?)weights,
            SelfLoopsDropped = selfLoops,
            DuplicatesDropped = duplicates,
        };
        return new PackedDataset(nodes, graph);
    }

    private static Span<byte> BytesOf(byte[]? owned, Array? array) => owned ?? array switch
    {
        TreatmentCell[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        byte[] a => a,
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new InvalidOperationException("unknown section array type"),
    };

    /// <summary>Strings as a count, then (UTF-8 byte length, bytes) each.</summary>
    private static byte[] EncodeStrings(IReadOnlyList<string> strings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(strings.Count);
            foreach (string s in strings)
            {
                var bytes = Encoding.UTF8.GetBytes(s);
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    private static string[] DecodeStrings(string path, byte[] data)
    {
        try
        {
            var span = data.AsSpan();
            int count = Get<int>(span, 0);
            if (count < 0 || count > data.Length) throw new ArgumentOutOfRangeException(nameof(data));
            var strings = new string[count];
            int at = 4;
            for (int i = 0; i < count; i++)
            {
                int length = Get<int>(span, at);
                strings[i] = Encoding.UTF8.GetString(span.Slice(at + 4, length));
                at += 4 + length;
            }
            return strings;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new DataFormatException(path, "corrupt string section", e);
        }
    }

    private static void Put<T>(Span<byte> span, int at, T value) where T : unmanaged => MemoryMarshal.Write(span[at..], in value);

    private static T Get<T>(ReadOnlySpan<byte> span, int at) where T : unmanaged => MemoryMarshal.Read<T>(span[at..]);
}
