using GpuInference.Data;

namespace GpuInference.Graph;

/// <summary>Reads the edges file (CSV, plain or gzip, or Parquet) against a node id index and builds the close-friend graph.</summary>
public static class EdgeListReader
{
    /// <summary>
    /// Reads <paramref name="path"/> and builds a <see cref="CsrGraph"/> over the nodes of <paramref name="ids"/>.
    /// Self-loops and repeated (src, dst) pairs are dropped and counted. Throws <see cref="DataFormatException"/>
    /// (<c>path:line:field: problem</c>) for a missing column, a wrong field count, an id not in the nodes file, a
    /// non-numeric or negative weight, text that is not UTF-8, a repeated column name, a cut or damaged gzip file, or an empty file;
    /// in a Parquet file also for a column of the wrong type or a cut file, naming the column, row group and row.
    /// </summary>
    public static CsrGraph Read(string path, NodeIdIndex ids, EdgeListOptions? options = null)
    {
        options ??= new EdgeListOptions();
        if (PlainIntegerEdgeCsv.TryRead(path, ids, options, out var plainSources, out var plainTargets, out long plainUnknown))
            return Build(ids.Count, plainSources.Span, plainTargets.Span, default, plainUnknown);
        return ReadRecords(path, ids, options);
    }

    /// <summary>
    /// The general reader, for every form the file may take; <see cref="Read"/> tries the plain integer CSV first. An
    /// integer-id Parquet file without weights skips the text: its id columns are read as numbers, row groups on every
    /// core (<see cref="IntegerParquetEdges"/>), or a row group at a time when that one gives up, to name what is wrong.
    /// </summary>
    internal static CsrGraph ReadRecords(string path, NodeIdIndex ids, EdgeListOptions options)
    {
        using IRecordSource csv = RecordFile.Open(path);
        int srcAt = csv.Require(options.SourceColumn, ColumnKind.Id);
        int dstAt = csv.Require(options.TargetColumn, ColumnKind.Id);
        int weightAt = csv.Optional(options.WeightColumn, ColumnKind.Number);

        var parquet = csv as ParquetRecordSource;
        bool integerParquet = parquet is not null && ids.IsInteger && weightAt < 0 && parquet.HoldsSignedIntegers(srcAt) && parquet.HoldsSignedIntegers(dstAt);
        // Tried before the buffers below exist: they would take as much memory again, zeroed, for nothing.
        if (integerParquet && IntegerParquetEdges.TryRead(path, options.SourceColumn, options.TargetColumn, ids, options.DropUnknownIds,
                out int[] parallelSources, out int[] parallelTargets, out int count, out long parallelUnknown))
            return Build(ids.Count, parallelSources.AsSpan(0, count), parallelTargets.AsSpan(0, count), default, parallelUnknown);

        long guess = csv.ExpectedRecords;
        var sources = new GrowableArray<int>(guess);
        var targets = new GrowableArray<int>(guess);
        var weights = new GrowableArray<float>(weightAt >= 0 ? guess : 1);

        long unknown = 0;
        if (integerParquet)
        {
            ReadIntegerColumns(parquet!, srcAt, dstAt, ids, options.DropUnknownIds, ref sources, ref targets, ref unknown);
            return Build(ids.Count, sources.Span, targets.Span, default, unknown);
        }
        while (csv.ReadRecord())
        {
            int source = Resolve(csv, srcAt, ids, options.DropUnknownIds), target = Resolve(csv, dstAt, ids, options.DropUnknownIds);
            if (source < 0 || target < 0)
            {
                unknown++;
                continue;
            }
            sources.Add(source);
            targets.Add(target);
            if (weightAt >= 0)
            {
                if (!Utf8Fields.TryParseFiniteSingle(csv[weightAt], out float w))
                    throw csv.Error(weightAt, $"{options.WeightColumn} is not a number: {DataFormatException.Quote(csv[weightAt])}");
                // A tie's strength cannot be below nothing; a negative weight is a sign or column mistake.
                if (w < 0) throw csv.Error(weightAt, $"{options.WeightColumn} is negative: {DataFormatException.Quote(csv[weightAt])}");
                weights.Add(w);
            }
        }
        return Build(ids.Count, sources.Span, targets.Span, weightAt >= 0 ? weights.Span : default, unknown);
    }

    /// <summary>
    /// The id columns of each row group as numbers, looked up in one batch: the same edges as reading them as text,
    /// without writing and parsing a decimal string per id. A null or unknown id is dropped or, through
    /// <see cref="Resolve"/> at its row, the same error the text path gives.
    /// </summary>
    private static void ReadIntegerColumns(ParquetRecordSource parquet, int srcAt, int dstAt, NodeIdIndex ids, bool dropUnknown,
        ref GrowableArray<int> sources, ref GrowableArray<int> targets, ref long unknown)
    {
        long[] values = [];
        bool[] isNull = [];
        int[] sourceNodes = [], targetNodes = [];
        while (parquet.ReadRowGroup(out int rows))
        {
            if (values.Length < rows)
            {
                values = new long[rows];
                isNull = new bool[rows];
                sourceNodes = new int[rows];
                targetNodes = new int[rows];
            }
            LookUp(parquet, srcAt, ids, values.AsSpan(0, rows), isNull.AsSpan(0, rows), sourceNodes.AsSpan(0, rows));
            LookUp(parquet, dstAt, ids, values.AsSpan(0, rows), isNull.AsSpan(0, rows), targetNodes.AsSpan(0, rows));
            int kept = 0;
            for (int row = 0; row < rows; row++)
            {
                if ((sourceNodes[row] | targetNodes[row]) < 0)
                {
                    if (!dropUnknown)
                    {
                        parquet.SeekRow(row);
                        Resolve(parquet, srcAt, ids, dropUnknown);
                        Resolve(parquet, dstAt, ids, dropUnknown);
                    }
                    unknown++;
                    continue;
                }
                sourceNodes[kept] = sourceNodes[row];
                targetNodes[kept] = targetNodes[row];
                kept++;
            }
            sources.AddRange(sourceNodes.AsSpan(0, kept));
            targets.AddRange(targetNodes.AsSpan(0, kept));
        }
    }

    private static void LookUp(ParquetRecordSource parquet, int at, NodeIdIndex ids, Span<long> values, Span<bool> isNull, Span<int> nodes)
    {
        parquet.CopyIntegers(at, values, isNull);
        ids.GetNodes(values, nodes);
        for (int row = 0; row < nodes.Length; row++)
        {
            if (isNull[row]) nodes[row] = -1;
        }
    }

    private static CsrGraph Build(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights, long unknown)
    {
        CsrGraph graph = CsrGraphBuilder.Build(nodeCount, sources, targets, weights);
        return unknown == 0 ? graph : new CsrGraph
        {
            NodeCount = graph.NodeCount, RowOffsets = graph.RowOffsets, Columns = graph.Columns, Weights = graph.Weights,
            SelfLoopsDropped = graph.SelfLoopsDropped, DuplicatesDropped = graph.DuplicatesDropped, UnknownDropped = unknown,
        };
    }

    // Spaces around an id are trimmed, as the nodes reader trims them, so " 5" here is node "5" there.
    // -1 for an unknown id when those are dropped.
    private static int Resolve(IRecordSource csv, int at, NodeIdIndex ids, bool dropUnknown) =>
        ids.TryGetNode(csv[at].Trim((byte)' '), out int node) ? node
            : dropUnknown ? -1
            : throw csv.Error(at, $"unknown node id {DataFormatException.Quote(csv[at].Trim((byte)' '))} (not in the nodes file)");
}
