using GpuInference.Analysis;
using GpuInference.Analysis.Testing;
using GpuInference.Backends.Cpu;
using GpuInference.Engine;
using GpuInference.Estimation;
using GpuInference.Inference.Models;
using GpuInference.Model.Formula;
using GpuInference.Simulation;
using GpuInference.Tests.Cli;

namespace GpuInference.Tests.Analysis;

/// <summary>
/// <c>test</c> with the paper's model runs on the preset's kernels: it gives <c>analyze</c>'s null value for value,
/// and everything else in its report as the general engine computes it; other tests, and data the preset cannot
/// read, go to the general engine.
/// </summary>
public sealed class PaperModelTestTests
{
    private const string Paper = "voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010";

    /// <summary>3,000 people: some with no friends, a few alone in their stratum, as the simulator draws them.</summary>
    private static readonly Lazy<string> Data = new(() =>
    {
        string dir = CliRunner.TempFolder();
        ExperimentSimulator.Write(Path.Combine(dir, "nodes.csv"), Path.Combine(dir, "edges.csv"), new ExperimentSimulationOptions { NodeCount = 3000, Seed = 4 });
        return dir;
    });

    private static NetworkTestOptions Options(string formula, string nodes = "nodes.csv") => new()
    {
        NodesPath = Path.Combine(Data.Value, nodes),
        EdgesPath = Path.Combine(Data.Value, "edges.csv"),
        Formula = formula,
        Permute = ["banner", "feed"],
        Permutations = 120,
        Seed = 5,
        Backend = "cpu",
    };

    private static bool RanOnThePreset(NetworkTestReport report) => report.Notes.Any(n => n.StartsWith("the paper's model", StringComparison.Ordinal));

    [Fact]
    public void GivesAnalyzesNullValueForValue()
    {
        AnalysisReport analysis = new Experiments([new CpuBackendProvider()]).Analyze(
            new ExperimentInputs { NodesPath = Path.Combine(Data.Value, "nodes.csv"), EdgesPath = Path.Combine(Data.Value, "edges.csv") },
            new AnalysisOptions { Permutations = 120, Seed = 5, Backend = "cpu" });
        NetworkTestReport test = NetworkTest.Run(Options(Paper) with { Tested = ["count(banner)", "count(feed)"], Joint = false });

        Assert.True(RanOnThePreset(test));
        Assert.Equal(["count(banner)", "count(feed)"], test.Nulls.Select(n => n.Name));
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(analysis.Spillover[k].Null.Observed, test.Nulls[k].Null.Observed);
            Assert.Equal(analysis.Spillover[k].Null.Values.ToArray(), test.Nulls[k].Null.Values.ToArray());
        }
        Assert.NotEqual(test.Nulls[0].Null.Values.ToArray(), test.Nulls[1].Null.Values.ToArray());
    }

    [Fact]
    public void RenamedColumnsAndReorderedTermsAreTheSameModel()
    {
        string renamed = Path.Combine(Data.Value, "renamed.csv");
        string[] lines = File.ReadAllLines(Path.Combine(Data.Value, "nodes.csv"));
        lines[0] = lines[0].Replace("voted", "turnout").Replace("banner", "a").Replace("feed", "b").Replace("vote2010", "past");
        File.WriteAllLines(renamed, lines);

        NetworkTestReport paper = NetworkTest.Run(Options(Paper));
        NetworkTestReport other = NetworkTest.Run(Options("turnout ~ a + count(b) + b + count(a) | past^degree", "renamed.csv") with { Permute = ["a", "b"] });

        Assert.True(RanOnThePreset(other));
        Assert.Equal(["a", "count(b)", "b", "count(a)"], other.Coefficients.Select(c => c.Term));
        int[] order = [2, 1, 3, 0];
        for (int t = 0; t < 4; t++)
        {
            Assert.Equal(paper.Coefficients[order[t]].Estimate, other.Coefficients[t].Estimate);
            Assert.Equal(paper.Coefficients[order[t]].Randomization!.Values.ToArray(), other.Coefficients[t].Randomization!.Values.ToArray());
        }
        // The joint Wald statistic is a quadratic form: the terms' order changes only its rounding.
        for (int b = 0; b < paper.Wald!.Values.Length; b++)
            Assert.True(Math.Abs(paper.Wald.Values[b] - other.Wald!.Values[b]) <= 1e-12 * paper.Wald.Values[b], $"permutation {b}: {paper.Wald.Values[b]:R} vs {other.Wald!.Values[b]:R}");
    }

    [Theory]
    [InlineData("Classical")]
    [InlineData("HC0")]
    [InlineData("HC1")]
    [InlineData("HC2")]
    [InlineData("HC3")]
    public void ReportsWhatTheGeneralEngineReports(string se)
    {
        NetworkTestOptions options = Options(Paper) with { Se = se };
        NetworkTestReport preset = NetworkTest.Run(options);
        NetworkTestReport general = NetworkTest.Run(options with { Engine = TestEngine.General });

        Assert.True(RanOnThePreset(preset));
        Assert.False(RanOnThePreset(general));
        Assert.Equal(general.Units, preset.Units);
        Assert.Equal(general.RowsDropped, preset.RowsDropped);
        Assert.True(preset.RowsDropped > 0, "the data should have singleton strata to leave out");
        Assert.Equal(general.Edges, preset.Edges);
        Assert.Equal(general.Design, preset.Design);
        Assert.Equal(general.FixedEffects, preset.FixedEffects);
        Assert.Equal(general.Covariance, preset.Covariance);
        Assert.Equal(general.PermutationCovariance, preset.PermutationCovariance);
        Assert.Equal(general.ResidualDegreesOfFreedom, preset.ResidualDegreesOfFreedom);
        Assert.Equal(general.Notes.Where(n => !n.StartsWith("the paper's model", StringComparison.Ordinal)), preset.Notes.Where(n => !n.StartsWith("the paper's model", StringComparison.Ordinal)));
        Assert.Equal(general.Coefficients.Select(c => c.Term), preset.Coefficients.Select(c => c.Term));
        for (int t = 0; t < 4; t++)
        {
            Estimate g = general.Coefficients[t].Estimate, p = preset.Coefficients[t].Estimate;
            Assert.True(Math.Abs(g.Value - p.Value) <= 1e-10 * Math.Abs(g.Value), $"{general.Coefficients[t].Term}: {g.Value:R} vs {p.Value:R}");
            Assert.True(Math.Abs(g.StandardError - p.StandardError) <= 1e-9 * g.StandardError, $"{general.Coefficients[t].Term} se: {g.StandardError:R} vs {p.StandardError:R}");
            Assert.True(Math.Abs(g.P - p.P) <= 1e-8, $"{general.Coefficients[t].Term} p: {g.P:R} vs {p.P:R}");
            Assert.Equal(general.Coefficients[t].Randomization!.Observed, preset.Coefficients[t].Randomization!.Observed, 1e-10);
        }
        // The joint Wald statistic of the four coefficients, weighted by each engine's own observed covariance.
        Assert.Equal(["count(banner)", "count(feed)", "banner", "feed", "wald"], preset.Nulls.Select(n => n.Name));
        Assert.True(Math.Abs(general.Wald!.Observed - preset.Wald!.Observed) <= 1e-8 * general.Wald.Observed, $"Wald: {general.Wald.Observed:R} vs {preset.Wald.Observed:R}");
        Assert.Equal(0, preset.Wald.NaNCount);
    }

    /// <summary>A term named twice in --test is tested once, with no Wald statistic over the pair: on both engines.</summary>
    [Theory]
    [InlineData(TestEngine.Auto)]
    [InlineData(TestEngine.General)]
    public void ATermTestedTwiceIsTestedOnce(TestEngine engine)
    {
        NetworkTestReport report = NetworkTest.Run(Options(Paper) with { Tested = ["count(banner)", "count(banner)"], Engine = engine });
        Assert.Equal(engine == TestEngine.Auto, RanOnThePreset(report));
        Assert.Equal(["count(banner)"], report.Nulls.Select(n => n.Name));
        Assert.Null(report.Wald);
    }

    [Fact]
    public void OtherTestsRunOnTheGeneralKernels()
    {
        Assert.True(RanOnThePreset(NetworkTest.Run(Options(Paper))));   // four tested coefficients and their Wald statistic stay on the preset
        Assert.False(RanOnThePreset(NetworkTest.Run(Options(Paper) with { Tested = ["count(banner)"], Statistic = TestStatistic.Studentized })));
        Assert.False(RanOnThePreset(NetworkTest.Run(Options(Paper) with { Tested = ["count(banner)"], Engine = TestEngine.General })));
        Assert.True(RanOnThePreset(NetworkTest.Run(Options(Paper) with { Tested = ["count(banner)"] })));
    }

    [Fact]
    public void DataThePresetCannotReadGoToTheGeneralEngine()
    {
        // A blank stratum value: the preset's reader stops at it, the general engine drops the row.
        string blank = Path.Combine(Data.Value, "blank-stratum.csv");
        string[] lines = File.ReadAllLines(Path.Combine(Data.Value, "nodes.csv"));
        string[] header = lines[0].Split(',');
        string[] row = lines[10].Split(',');
        row[Array.IndexOf(header, "vote2010")] = "";
        lines[10] = string.Join(',', row);
        File.WriteAllLines(blank, lines);

        NetworkTestReport report = NetworkTest.Run(Options(Paper, "blank-stratum.csv") with { Joint = false });
        Assert.False(RanOnThePreset(report));
        Assert.Contains("1 row dropped for a blank 'vote2010' (listwise deletion)", report.Notes);
    }

    [Theory]
    [InlineData("y ~ count(a) + count(b) + a + b | degree^s", "a,b", "y a b s degree^s 0123")]
    [InlineData("y ~ b + count(a) + a + count(b) | s^degree", "a,b", "y a b s s^degree 3021")]
    [InlineData("y ~ count(a) + count(b) + a + b | degree^s", "b,a", "y b a s degree^s 1032")]
    [InlineData("y ~ count(a == 1) + count(b) + a + b | degree^s", "a,b", null)]
    [InlineData("y ~ share(a) + count(b) + a + b | degree^s", "a,b", null)]
    [InlineData("y ~ count(a) + count(b) + a + b + x | degree^s", "a,b", null)]
    [InlineData("y ~ count(a) + count(b) + a + b | degree^s + v", "a,b", null)]
    [InlineData("y ~ count(a) + count(b) + a + b | s", "a,b", null)]
    [InlineData("y ~ count(a) + count(b) + a + b | degree^s", "a", null)]
    [InlineData("y ~ count(a) + count(b) + a + b | degree^a", "a,b", null)]
    public void RecognisesThePapersModel(string formula, string permuted, string? expected)
    {
        PaperModelShape? shape = PaperModelShape.Of(ModelFormula.Parse(formula), permuted.Split(','));
        string? found = shape is null ? null : $"{shape.Outcome} {shape.Banner} {shape.Feed} {shape.Stratum} {shape.StrataText} {string.Concat(shape.Order)}";
        Assert.Equal(expected, found);
    }
}
