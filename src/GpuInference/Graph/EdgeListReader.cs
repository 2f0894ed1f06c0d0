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
        using IRecordSource csv = RecordFile.Open(path);
        int srcAt = csv.Require(options.SourceColumn, ColumnKind.Id);
        int dstAt = csv.Require(options.TargetColumn, ColumnKind.Id);
        int weightAt = csv.Optional(options.WeightColumn, ColumnKind.Number);

        long guess = csv.ExpectedRecords;
        var sources = new GrowableArray<int>(guess);
        var targets = new GrowableArray<int>(guess);
        var weights = new GrowableArray<float>(weightAt >= 0 ? guess : 1);

        long unknown = 0;
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
        CsrGraph graph = CsrGraphBuilder.Build(ids.Count, sources.Span, targets.Span, weightAt >= 0 ? weights.Span : default);
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
