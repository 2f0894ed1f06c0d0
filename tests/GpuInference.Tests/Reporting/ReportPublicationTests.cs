using GpuInference.Reporting;
using GpuInference.Tests.Data;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

/// <summary>A report folder holds one whole set from one run, or nothing; never a mix, never half.</summary>
public sealed class ReportPublicationTests : IDisposable
{
    private static readonly string[] SetNames = [ReportFiles.Json, ReportFiles.Markdown, ReportFiles.Html, ReportFiles.NullCsv, "null_banner.svg", "null_feed.svg"];

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static AnalysisReport Report(ulong seed) =>
        SampleReports.Paper(permutations: 200) with { Metadata = SampleReports.Paper(permutations: 200).Metadata with { Seed = seed } };

    private static void Publish(AnalysisReport report, string folder)
    {
        using var publication = ReportPublication.Begin(folder);
        publication.Publish(report);
    }

    [Fact]
    public void PublishingReplacesTheWholeSetAndLeavesNothingBeside()
    {
        string folder = _files.PathOf("report");
        Publish(Report(1), folder);
        Directory.CreateDirectory(Path.Combine(folder, ".partial-12345")); // what the old writer left when killed
        Publish(Report(2), folder);

        Assert.Equal(SetNames.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("\"seed\": 2,", File.ReadAllText(Path.Combine(folder, ReportFiles.Json)), StringComparison.Ordinal);
        Assert.Equal(["report"], Directory.GetFileSystemEntries(_files.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void TwoRunsSharingAFolderNeverMixTheirSets()
    {
        string folder = _files.PathOf("report");
        AnalysisReport[] reports = [Report(1), Report(2)];
        string[] jsons = reports.Select(JsonReportWriter.ToJson).ToArray();
        string[] nulls = reports.Select(NullCsv).ToArray();
        bool stop = false;
        var seen = new List<string>();
        var reader = Task.Run(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                // A file found at its path is always whole: it was written and flushed before its folder was swapped in.
                try { string json = File.ReadAllText(Path.Combine(folder, ReportFiles.Json)); lock (seen) seen.Add(json); }
                catch (IOException) { } // between the two renames of a swap, or the old set being deleted
            }
        });
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => Publish(reports[i % 2], folder));
        Volatile.Write(ref stop, true);
        reader.Wait();

        Assert.All(seen, json => Assert.Contains(json, jsons));
        // The set left is one run's, file for file, and nothing is left beside it.
        Assert.Equal(SetNames.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        int winner = Array.IndexOf(jsons, File.ReadAllText(Path.Combine(folder, ReportFiles.Json)));
        Assert.Equal(nulls[winner], File.ReadAllText(Path.Combine(folder, ReportFiles.NullCsv)));
        Assert.Equal(["report"], Directory.GetFileSystemEntries(_files.Root).Select(Path.GetFileName));
    }

    private static string NullCsv(AnalysisReport report)
    {
        using var writer = new StringWriter();
        NullCsvWriter.Write(report.Spillover, writer);
        return writer.ToString();
    }

    [Fact]
    public void LeftoversOfADeadRunAreSweptAndThoseOfALiveOneKept()
    {
        string dead = _files.PathOf("report.tmp-2147483646-0badf00d");
        string deadAside = _files.PathOf("report.old-2147483646-0badf00d");
        string live = _files.PathOf($"report.tmp-{Environment.ProcessId}-0000beef");
        string other = _files.PathOf("reports.tmp-2147483646-00000001"); // another folder's: not ours to touch
        foreach (string folder in new[] { dead, deadAside, live, other })
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, ReportFiles.Markdown), "half");
        }
        Publish(Report(1), _files.PathOf("report"));
        Assert.False(Directory.Exists(dead));
        Assert.False(Directory.Exists(deadAside));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
    }

    [Fact]
    public void RetractRemovesAnEarlierSetAtOnce()
    {
        string folder = _files.PathOf("report");
        Publish(Report(1), folder);
        using (var publication = ReportPublication.Begin(folder)) publication.Retract();
        Assert.Equal([], Directory.GetFileSystemEntries(_files.Root));
    }

    [Fact]
    public void AFolderThatCannotTakeAReportIsRefusedBeforeAnyWork()
    {
        string file = _files.Write("report.json", "{}");
        Assert.Equal($"'{file}' is a file, not a folder", Assert.Throws<ReportFolderException>(() => ReportPublication.Begin(file)).Message);
        Assert.Equal("'' is not a folder name", Assert.Throws<ReportFolderException>(() => ReportPublication.Begin("")).Message);

        string mixed = _files.PathOf("mine");
        Directory.CreateDirectory(mixed);
        File.WriteAllText(Path.Combine(mixed, "thesis.tex"), "");
        Assert.Equal($"'{mixed}' holds 'thesis.tex', which is not part of a report; the folder is replaced as a whole, so give one that holds a report or nothing",
            Assert.Throws<ReportFolderException>(() => ReportPublication.Begin(mixed)).Message);

        string underFile = Path.Combine(file, "report");
        var error = Assert.Throws<ReportFolderException>(() => ReportPublication.Begin(underFile));
        Assert.StartsWith($"'{underFile}' cannot be written: ", error.Message, StringComparison.Ordinal);
    }
}
