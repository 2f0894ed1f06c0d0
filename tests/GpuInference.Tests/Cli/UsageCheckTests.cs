using GpuInference.Graph;

namespace GpuInference.Tests.Cli;

/// <summary>
/// Problems with the command line itself stop the run before any input is read: exit 2 with a message naming the
/// option, or exit 3 naming the file, and never "internal error".
/// </summary>
public class UsageCheckTests
{
    private static (string Nodes, string Edges, string Dir) Inputs()
    {
        string dir = CliRunner.TempFolder();
        string nodes = Path.Combine(dir, "nodes.csv"), edges = Path.Combine(dir, "edges.csv");
        File.WriteAllText(nodes, "id,voted,banner,feed,vote2010\n1,1,1,1,voted\n");
        File.WriteAllText(edges, "src,dst\n1,1\n");
        return (nodes, edges, dir);
    }

    private static (int Exit, string Error) Analyze(string nodes, string edges, string outDir, params string[] extra)
    {
        var run = CliRunner.Run(["analyze", "--nodes", nodes, "--edges", edges, "--backend", "cpu", "--permutations", "10", "--out", outDir, .. extra]);
        return (run.Exit, run.Error);
    }

    private static void AssertOneLine(string expected, string error) =>
        Assert.Equal($"gpuinference: error: {expected}\n", error.ReplaceLineEndings("\n"));

    [Fact]
    public void AnOutFolderThatIsAFileIsAUsageError()
    {
        var (nodes, edges, dir) = Inputs();
        string file = Path.Combine(dir, "taken");
        File.WriteAllText(file, "keep me");
        var (exit, error) = Analyze(nodes, edges, file);
        Assert.Equal(2, exit);
        AssertOneLine($"--out '{file}' is a file, not a folder", error);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void ADemoFolderThatIsAFileIsAUsageErrorBeforeTheSimulation()
    {
        string dir = CliRunner.TempFolder();
        string file = Path.Combine(dir, "taken");
        File.WriteAllText(file, "keep me");
        var run = CliRunner.Run("demo", "--n", "1000", "--permutations", "10", "--backend", "cpu", "--out", file);
        Assert.Equal(2, run.Exit);
        Assert.StartsWith($"gpuinference: error: --out '{Path.Combine(file, "report")}' cannot be written: ", run.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void ABlankOutIsAUsageError()
    {
        var (nodes, edges, _) = Inputs();
        var (exit, error) = Analyze(nodes, edges, "");
        Assert.Equal(2, exit);
        AssertOneLine("--out '' is not a folder name", error);
    }

    [Fact]
    public void AnUnwritableOutIsAUsageErrorBeforeAnyWork()
    {
        var (nodes, _, dir) = Inputs();
        // The edges file is missing too: the --out problem must be the one reported, found before the inputs.
        var (exit, error) = Analyze(nodes, Path.Combine(dir, "missing.csv"), "/proc/gpuinference-report");
        Assert.Equal(2, exit);
        Assert.StartsWith("gpuinference: error: --out '/proc/gpuinference-report' cannot be written: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOutFolderHoldingOtherFilesIsRefusedAndKept()
    {
        var (nodes, edges, dir) = Inputs();
        File.WriteAllText(Path.Combine(dir, "report.json"), "{}");
        var (exit, error) = Analyze(nodes, edges, dir);
        Assert.Equal(2, exit);
        AssertOneLine($"--out '{dir}' holds 'edges.csv', which is not part of a report; the folder is replaced as a whole, so give one that holds a report or nothing", error);
        Assert.True(File.Exists(nodes));
    }

    [Fact]
    public void ANodesPathThatIsAFolderIsBadInputNamingIt()
    {
        var (_, edges, dir) = Inputs();
        var (exit, error) = Analyze(dir, edges, Path.Combine(dir, "report"));
        Assert.Equal(3, exit);
        AssertOneLine($"{dir}: is a folder, not a file", error);
    }

    [Fact]
    public void APackPathThatIsAFolderIsBadInputNamingIt()
    {
        string dir = CliRunner.TempFolder();
        var run = CliRunner.Run("analyze", "--pack", dir, "--backend", "cpu", "--out", Path.Combine(dir, "report"));
        Assert.Equal(3, run.Exit);
        AssertOneLine($"{dir}: is a folder, not a file", run.Error);
        Assert.Equal($"{dir}: is a folder, not a file", Assert.Throws<GpuInference.Data.DataFormatException>(() => GpuInference.Graph.DatasetPack.Read(dir)).Message);
    }

    [Fact]
    public void AMissingEdgesFileIsFoundBeforeTheNodesAreRead()
    {
        string dir = CliRunner.TempFolder();
        string nodes = Path.Combine(dir, "nodes.csv");
        File.WriteAllText(nodes, "not,a,nodes,file\n"); // would be an error of its own if it were read
        var (exit, error) = Analyze(nodes, Path.Combine(dir, "edges.csv"), Path.Combine(dir, "report"));
        Assert.Equal(3, exit);
        AssertOneLine($"{Path.Combine(dir, "edges.csv")}: no such file", error);
    }

    [Theory]
    [InlineData("1073741824")]
    [InlineData("0")]
    public void PermutationsOutsideTheRangeAreAUsageError(string permutations)
    {
        var (nodes, edges, dir) = Inputs();
        var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--permutations", permutations, "--out", Path.Combine(dir, "r"));
        Assert.Equal(2, run.Exit);
        AssertOneLine($"--permutations must be from 1 to 10,000,000, not {int.Parse(permutations, System.Globalization.CultureInfo.InvariantCulture):N0}.", run.Error);
    }

    [Fact]
    public void AnUnknownBackendIsAUsageError()
    {
        var (nodes, edges, dir) = Inputs();
        var run = CliRunner.Run("analyze", "--nodes", nodes, "--edges", edges, "--backend", "quantum", "--out", Path.Combine(dir, "r"));
        Assert.Equal(2, run.Exit);
        Assert.StartsWith("gpuinference: error: --backend: unknown backend 'quantum' (choose auto, ", run.Error, StringComparison.Ordinal);
        Assert.Contains("cpu", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x1,x1", "--x names 'x1' twice.")]
    [InlineData("x1,y", "--x names 'y', the outcome given by --y.")]
    public void RegressWithAColumnNamedTwiceIsAUsageError(string x, string expected)
    {
        string dir = CliRunner.TempFolder();
        string data = Path.Combine(dir, "data.csv");
        File.WriteAllText(data, "y,x1\n1,2\n2,3\n3,5\n");
        var run = CliRunner.Run("regress", "--data", data, "--y", "y", "--x", x);
        Assert.Equal(2, run.Exit);
        AssertOneLine(expected, run.Error);
    }

    [Fact]
    public void PackToAFolderIsAUsageError()
    {
        var (nodes, edges, dir) = Inputs();
        var run = CliRunner.Run("pack", "--nodes", nodes, "--edges", edges, "--out", dir);
        Assert.Equal(2, run.Exit);
        AssertOneLine($"--out '{dir}' is a folder; give the name of the file to write.", run.Error);
    }
}
