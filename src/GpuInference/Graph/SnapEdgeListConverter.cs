using System.Globalization;
using System.Text;

namespace GpuInference.Graph;

/// <summary>
/// Converts a SNAP undirected edge list (<c>u v</c> per line, <c>#</c> comments) into this engine's files, so that a
/// real friendship graph can be loaded through the ordinary readers.
/// </summary>
public static class SnapEdgeListConverter
{
    /// <summary>
    /// Writes <paramref name="edgesCsvPath"/> with both directions of every pair (friendship is mutual) and
    /// <paramref name="nodesCsvPath"/> with every id seen, sorted by value, and placeholder design columns
    /// (empty outcome, banner 0, feed 0, vote2010 "unknown"): the graph is real, the experiment is the caller's.
    /// Returns the number of undirected pairs read.
    /// </summary>
    public static long Convert(string snapPath, string nodesCsvPath, string edgesCsvPath)
    {
        var ids = new SortedSet<long>();
        long pairs = 0;
        using (var edges = new StreamWriter(edgesCsvPath, false, new UTF8Encoding(false), 1 << 20))
        {
            edges.Write("src,dst\n");
            int lineNumber = 0;
            foreach (string line in File.ReadLines(snapPath))
            {
                lineNumber++;
                var text = line.AsSpan().Trim();
                if (text.IsEmpty || text[0] == '#') continue;
                int split = text.IndexOfAny(' ', '\t');
                if (split < 0 || !long.TryParse(text[..split], NumberStyles.Integer, CultureInfo.InvariantCulture, out long u)
                    || !long.TryParse(text[(split + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
                    throw new Data.DataFormatException(snapPath, lineNumber, 1, "expected two integer ids 'u v'");
                ids.Add(u);
                ids.Add(v);
                edges.Write(string.Create(CultureInfo.InvariantCulture, $"{u},{v}\n{v},{u}\n"));
                pairs++;
            }
        }
        using var nodes = new StreamWriter(nodesCsvPath, false, new UTF8Encoding(false), 1 << 20);
        nodes.Write("id,voted,banner,feed,vote2010\n");
        foreach (long id in ids) nodes.Write(string.Create(CultureInfo.InvariantCulture, $"{id},,0,0,unknown\n"));
        return pairs;
    }
}
