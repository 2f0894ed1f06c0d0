using GpuInference.Reporting;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Reporting;

/// <summary>A report folder holds one whole set from one run, or nothing; never a mix, never half.</summary>
public sealed class ReportPublicationTests : IDisposable
{
    private static readonly string[] SetNames = [ReportFiles.Json, ReportFiles.Markdown, ReportFiles.NullCsv, "null_banner.svg", "null_feed.svg"];

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
        string[] nulls = reports.Select(r => NullCsv(r)).ToArray();
        bool stop = false;
        var seen = new List<string>();
        var reader = Task.Run(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                // A listing is one look at the folder: when it is there at all, it holds the whole set.
                string[] names;
                try { names = Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).ToArray(); }
                catch (DirectoryNotFoundException) { continue; }
                if (names.Length > 0) lock (seen) seen.Add(string.Join(",", names.Order(StringComparer.Ordinal)));
            }
        });
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => Publish(reports[i % 2], folder));
        Volatile.Write(ref stop, true);
        reader.Wait();

        string whole = string.Join(",", SetNames.Order(StringComparer.Ordinal));
        Assert.All(seen, listing => Assert.Equal(whole, listing));
        // The set that won is one run's, file for file.
        string json = File.ReadAllText(Path.Combine(folder, ReportFiles.Json));
        int winner = json.Contains("\"seed\": 1,", StringComparison.Ordinal) ? 0 : 1;
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
