using GpuInference.Tests.Cli;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Graph.CloseFriends;

public sealed class CloseFriendsCommandTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void PrintsTheSummaryAndWritesTheEdges()
    {
        string log = _files.Write("log.csv", "src,dst,count\na,b,2\na,c,1\na,a,5\na,d,0\ne,b,1\ne,c,1\ne,d,2\nf,a,1\na,b,1\n");
        string edges = _files.PathOf("out/edges.csv");
        var (exit, output, error) = CliRunner.Run("close-friends", "--interactions", log, "--out", edges, "--percentile", "60", "--memory", "64M");
        Assert.True(exit == 0, error);
        Assert.Contains("3 people with actions, 6 (person, friend) pairs", output);
        Assert.Contains("1 self-action rows (5 actions)", output);
        Assert.Contains("1 rows with count 0", output);
        Assert.Contains("rank 4 of 6): 0.5 = 1/2", output);
        Assert.Contains("3 close-friend edges, 1.00 per person", output);
        Assert.Equal("src,dst\n", File.ReadAllText(edges)[..8]);
    }

    [Theory]
    [InlineData("--memory", "lots")]
    [InlineData("--memory", "100K")]
    [InlineData("--percentile", "101")]
    [InlineData("--percentile", "-1")]
    public void OptionsOutOfRangeAreUsageErrors(string option, string value)
    {
        string log = _files.Write("log.csv", "src,dst,count\n1,2,1\n");
        var (exit, _, error) = CliRunner.Run("close-friends", "--interactions", log, "--out", _files.PathOf("e.csv"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains(option, error);
        Assert.False(File.Exists(_files.PathOf("e.csv")));
    }

    [Fact]
    public void AnOutputThatIsAFolderIsAUsageError()
    {
        string log = _files.Write("log.csv", "src,dst,count\n1,2,1\n");
        var (exit, _, error) = CliRunner.Run("close-friends", "--interactions", log, "--out", _files.Root);
        Assert.Equal(2, exit);
        Assert.Contains("is a folder", error);
    }

    [Fact]
    public void MissingOrBadInputIsAnInputError()
    {
        var (exit, _, error) = CliRunner.Run("close-friends", "--interactions", _files.PathOf("nope.csv"), "--out", _files.PathOf("e.csv"));
        Assert.Equal(3, exit);
        Assert.Contains("nope.csv", error);

        string log = _files.Write("log.csv", "src,dst,count\n1,2,1\n2,1,-1\n");
        (exit, _, error) = CliRunner.Run("close-friends", "--interactions", log, "--out", _files.PathOf("e.csv"));
        Assert.Equal(3, exit);
        Assert.Contains($"{log}:3:3: column 'count': negative count -1", error);
        Assert.False(File.Exists(_files.PathOf("e.csv")));
    }

    [Fact]
    public void SimulateWritesALogThatCloseFriendsReads()
    {
        string log = _files.PathOf("log.csv.gz");
        var (exit, output, error) = CliRunner.Run("close-friends", "simulate", "--rows", "5000", "--seed", "3", "--gzip", "--out", log);
        Assert.True(exit == 0, error);
        Assert.Contains("5,000 rows over 200 people", output);
        (exit, output, error) = CliRunner.Run("close-friends", "--interactions", log, "--out", _files.PathOf("e.csv"));
        Assert.True(exit == 0, error);
        Assert.Contains("5,000 rows", output);
    }
}
