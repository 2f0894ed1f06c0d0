using GpuInference.Inference;
using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

/// <summary>Reports with the paper's numbers and a synthetic, seeded null, for the writer tests.</summary>
internal static class SampleReports
{
    /// <summary>Draws from a normal(0, sd) null, a fixed function of the seed (System.Random with a seed is stable).</summary>
    public static double[] NormalDraws(int count, double sd, int seed)
    {
        var random = new System.Random(seed);
        var draws = new double[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            draws[i] = sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return draws;
    }

    public static AnalysisReport Paper(int permutations = 1000, bool withLate = true)
    {
        double[] banner = NormalDraws(permutations, 0.0003, seed: 1);
        double[] feed = NormalDraws(permutations, 0.0003, seed: 2);
        // One degenerate permutation: a singular fit makes both coefficients NaN.
        banner[7] = double.NaN;
        feed[7] = double.NaN;

        var direct = new List<EffectEstimate>
        {
            new(DirectEffectNames.BothVsNeither, 0.0017, 0.00115, -0.0005, 0.0040, 0.139, 14_608_375),
            new(DirectEffectNames.BothVsNeitherAdjusted, 0.0024, 0.00105, 0.0003, 0.0044, 0.0266, 14_608_375),
            new(DirectEffectNames.PostStratified, 0.0024, 0.00105, 0.0003, 0.0044, 0.0266, 14_608_375),
            new(DirectEffectNames.FactorialBanner, 0.0012, 0.00102, -0.0008, 0.0032, 0.24, 15_060_695),
            new(DirectEffectNames.FactorialFeed, 0.0010, 0.00082, -0.0006, 0.0026, 0.22, 15_060_695, Note: "Stratified by 2010 turnout."),
        };
        if (withLate) direct.Add(new(DirectEffectNames.Late, 0.0035, double.NaN, double.NaN, double.NaN, double.NaN, 14_608_375, Note: "No interval: the Wald ratio's standard error was not computed."));

        return new AnalysisReport
        {
            Metadata = new RunMetadata
            {
                Units = 15_060_897,
                Nodes = 61_000_000,
                Edges = 75_304_485,
                Permutations = permutations,
                Seed = 20121106,
                Backend = "cpu",
                Device = "managed reference, 16 threads",
                Threads = 16,
                SelfLoopsDropped = 12,
                DuplicatesDropped = 345,
                InputPaths = [new("nodes", "data/nodes.csv"), new("edges", "data/close_friends.csv")],
                Timings = [new("load", TimeSpan.FromSeconds(12.5)), new("permutations", TimeSpan.FromSeconds(250))],
                Version = "0.1.0",
            },
            Direct = direct,
            Spillover =
            [
                new SpilloverStatistic("banner", new NullDistribution(0.0010, banner), StandardError: 0.00035),
                new SpilloverStatistic("feed", new NullDistribution(0.0001, feed)),
            ],
            Totals = new Totals(0.0024, 0.001, 5, 14.5e6, 0.40),
        };
    }
}
