using System.Text;
using GpuInference.Data;

namespace GpuInference.Simulation;

/// <summary>
/// Writes a synthetic version of the 2012 experiment as a nodes CSV and an edges CSV in the formats the readers
/// take. People are processed in blocks, in parallel, and each block's text is written in order, so memory stays
/// at a few blocks whatever the size and the files are identical for a seed on any number of threads.
/// </summary>
public static class ExperimentSimulator
{
    private const int BlockSize = 1 << 15;

    /// <summary>
    /// Simulates <paramref name="options"/>.NodeCount people and writes <paramref name="nodesPath"/>
    /// (<c>id,voted,banner,feed,vote2010[,logged_in]</c>, ids 0..N-1) and <paramref name="edgesPath"/>
    /// (<c>src,dst</c>, rows grouped by src, friends ascending). Progress is reported after each batch of blocks.
    /// </summary>
    public static SimulationSummary Write(
        string nodesPath, string edgesPath, ExperimentSimulationOptions options,
        IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var model = new PersonModel(options);
        int n = options.NodeCount;
        int blocks = (n + BlockSize - 1) / BlockSize;
        int batch = Math.Max(2, 2 * Environment.ProcessorCount);
        var levelBytes = options.Vote2010Groups.Select(g => Encoding.UTF8.GetBytes(g.Name)).ToArray();
        var outputs = Enumerable.Range(0, batch).Select(_ => new BlockOutput()).ToArray();
        var cellCounts = new long[4];
        long edges = 0, units = 0, voters = 0, written = 0;

        using (var nodes = InputFile.Create(nodesPath, options.Gzip))
        using (var edgeFile = InputFile.Create(edgesPath, options.Gzip))
        {
            nodes.Write(Encoding.ASCII.GetBytes(options.IncludeLoggedIn ? "id,voted,banner,feed,vote2010,logged_in\n" : "id,voted,banner,feed,vote2010\n"));
            edgeFile.Write("src,dst\n"u8);
            for (int first = 0; first < blocks; first += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batch, blocks - first);
                Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, k =>
                {
                    int start = (first + k) * BlockSize;
                    SimulateBlock(model, options, levelBytes, start, Math.Min(n, start + BlockSize), outputs[k]);
                });
                for (int k = 0; k < count; k++)
                {
                    var block = outputs[k];
                    nodes.Write(block.Nodes.Written);
                    edgeFile.Write(block.Edges.Written);
                    for (int c = 0; c < 4; c++) cellCounts[c] += block.CellCounts[c];
                    edges += block.EdgeCount;
                    units += block.UnitCount;
                    voters += block.VoterCount;
                }
                written = Math.Min(n, (long)(first + count) * BlockSize);
                progress?.Report(new SimulationProgress(written, edges, n));
            }
        }
        return new SimulationSummary { NodeCount = n, EdgeCount = edges, CellCounts = cellCounts, UnitCount = units, VoterCount = voters };
    }

    private static void SimulateBlock(PersonModel model, ExperimentSimulationOptions options, byte[][] levelBytes, int start, int end, BlockOutput output)
    {
        output.Reset();
        Span<int> friends = new int[Math.Max(1, model.MaxFriends)];
        for (int person = start; person < end; person++)
        {
            var self = model.Attributes(person);
            int degree = model.DrawFriends(person, friends);
            int withBanner = 0, withFeed = 0;
            for (int f = 0; f < degree; f++)
            {
                var cell = model.CellOf(friends[f]);
                withBanner += (int)(cell & TreatmentCell.Banner);
                withFeed += (int)(cell & TreatmentCell.Feed) >> 1;
                output.Edges.Append(person);
                output.Edges.Append(',');
                output.Edges.Append(friends[f]);
                output.Edges.Append('\n');
            }
            output.EdgeCount += degree;
            output.CellCounts[(int)self.Cell]++;

            var line = output.Nodes;
            line.Append(person);
            line.Append(',');
            if (self.IsUnit)
            {
                bool voted = model.DrawVote(person, model.TurnoutProbability(self.Cell, self.Vote2010, withBanner, withFeed));
                line.Append(voted ? '1' : '0');
                output.UnitCount++;
                if (voted) output.VoterCount++;
            }
            line.Append(',');
            line.Append((self.Cell & TreatmentCell.Banner) != 0 ? '1' : '0');
            line.Append(',');
            line.Append((self.Cell & TreatmentCell.Feed) != 0 ? '1' : '0');
            line.Append(',');
            line.Append(levelBytes[self.Vote2010]);
            if (options.IncludeLoggedIn)
            {
                line.Append(',');
                line.Append(self.LoggedIn ? '1' : '0');
            }
            line.Append('\n');
        }
    }

    /// <summary>One block's text and tallies, reused from batch to batch.</summary>
    private sealed class BlockOutput
    {
        public AsciiBuffer Nodes { get; } = new(BlockSize * 32);
        public AsciiBuffer Edges { get; } = new(BlockSize * 96);
        public long[] CellCounts { get; } = new long[4];
        public long EdgeCount, UnitCount, VoterCount;

        public void Reset()
        {
            Nodes.Clear();
            Edges.Clear();
            Array.Clear(CellCounts);
            EdgeCount = UnitCount = VoterCount = 0;
        }
    }
}
