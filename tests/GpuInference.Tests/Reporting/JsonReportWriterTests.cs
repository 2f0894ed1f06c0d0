using System.Text.Json;
using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

public class JsonReportWriterTests
{
    private static JsonElement Parse(AnalysisReport report) =>
        JsonDocument.Parse(JsonReportWriter.ToJson(report)).RootElement.Clone();

    [Fact]
    public void HasEveryRequiredKey()
    {
        JsonElement root = Parse(SampleReports.Paper());
        foreach (string key in new[] { "units", "edges", "nodes", "permutations", "seed", "backend", "direct", "spillover", "totals", "nan_permutations" })
            Assert.True(root.TryGetProperty(key, out _), key);

        JsonElement direct = root.GetProperty("direct");
        foreach (string name in new[] { "both_vs_neither", "both_vs_neither_adjusted", "post_stratified", "factorial_banner", "factorial_feed", "late" })
        {
            JsonElement effect = direct.GetProperty(name);
            foreach (string key in new[] { "estimate", "se", "ci_low", "ci_high", "p", "n" })
                Assert.True(effect.TryGetProperty(key, out _), $"{name}.{key}");
        }

        JsonElement spillover = root.GetProperty("spillover");
        foreach (string name in new[] { "banner", "feed" })
        {
            JsonElement statistic = spillover.GetProperty(name);
            foreach (string key in new[]
            {
                "estimate", "p_two_sided", "p_greater", "p_less", "null_q005", "null_q025", "null_q975", "null_q995",
                "p_two_sided_ci", "p_greater_ci", "p_less_ci", "p_two_sided_count", "nan_count", "permutations_valid",
            })
                Assert.True(statistic.TryGetProperty(key, out _), $"{name}.{key}");
        }

        JsonElement totals = root.GetProperty("totals");
        foreach (string key in new[] { "direct", "indirect", "multiplier" })
            Assert.True(totals.TryGetProperty(key, out _), key);
    }

    [Fact]
    public void ValuesAreInOutcomeUnitsAndMatchTheModel()
    {
        AnalysisReport report = SampleReports.Paper();
        JsonElement root = Parse(report);
        Assert.Equal(0.0024, root.GetProperty("direct").GetProperty("both_vs_neither_adjusted").GetProperty("estimate").GetDouble());
        Assert.Equal(15_060_897, root.GetProperty("units").GetInt64());
        Assert.Equal(20121106UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal("cpu", root.GetProperty("backend").GetString());
        Assert.Equal(1, root.GetProperty("nan_permutations").GetInt32());

        var banner = report.Spillover[0].Null;
        JsonElement b = root.GetProperty("spillover").GetProperty("banner");
        Assert.Equal(banner.TwoSided.Value, b.GetProperty("p_two_sided").GetDouble());
        Assert.Equal(banner.Q995, b.GetProperty("null_q995").GetDouble());
        Assert.Equal(1, b.GetProperty("nan_count").GetInt32());
        Assert.Equal(999, b.GetProperty("permutations_valid").GetInt32());
        JsonElement ci = b.GetProperty("p_two_sided_ci");
        Assert.Equal(banner.TwoSided.Interval.Low, ci[0].GetDouble());
        Assert.Equal(banner.TwoSided.Interval.High, ci[1].GetDouble());

        Assert.Equal(87_000, root.GetProperty("totals").GetProperty("direct").GetDouble(), 6);
        Assert.Equal(181_250, root.GetProperty("totals").GetProperty("indirect").GetDouble(), 6);
    }

    [Fact]
    public void NaNIsWrittenAsNull()
    {
        JsonElement late = Parse(SampleReports.Paper()).GetProperty("direct").GetProperty("late");
        Assert.Equal(JsonValueKind.Null, late.GetProperty("se").ValueKind);
        Assert.Equal(JsonValueKind.Null, late.GetProperty("p").ValueKind);
        Assert.Equal(0.0035, late.GetProperty("estimate").GetDouble());
        // The feed statistic has no model-based standard error.
        Assert.Equal(JsonValueKind.Null, Parse(SampleReports.Paper()).GetProperty("spillover").GetProperty("feed").GetProperty("se").ValueKind);
    }

    [Fact]
    public void ANotEstimableEffectIsKeptWithItsReason()
    {
        AnalysisReport report = SampleReports.Paper(withLate: false) with
        {
            Direct = [.. SampleReports.Paper(withLate: false).Direct, EffectEstimate.NotEstimable(DirectEffectNames.Late, 48, "no assigned unit received the treatment")],
        };
        JsonElement late = Parse(report).GetProperty("direct").GetProperty("late");
        Assert.False(late.GetProperty("estimable").GetBoolean());
        Assert.Equal("no assigned unit received the treatment", late.GetProperty("not_estimable_reason").GetString());
        Assert.Equal(JsonValueKind.Null, late.GetProperty("estimate").ValueKind);
        Assert.Equal(48, late.GetProperty("n").GetInt64());
        Assert.False(Parse(SampleReports.Paper()).GetProperty("direct").GetProperty("both_vs_neither").TryGetProperty("estimable", out _));
    }

    [Fact]
    public void NotesAreWrittenInOrder()
    {
        JsonElement notes = Parse(SampleReports.Paper() with { Notes = ["first", "second"] }).GetProperty("notes");
        Assert.Equal(["first", "second"], notes.EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(0, Parse(SampleReports.Paper()).GetProperty("notes").GetArrayLength());
    }

    [Fact]
    public void LateIsLeftOutWhenNotAvailable()
    {
        JsonElement direct = Parse(SampleReports.Paper(withLate: false)).GetProperty("direct");
        Assert.False(direct.TryGetProperty("late", out _));
        Assert.True(direct.TryGetProperty("post_stratified", out _));
    }

    [Theory]
    [InlineData(0.1 + 0.2)]
    [InlineData(1.0 / 3.0)]
    [InlineData(2.5317487491294045e-05)]
    [InlineData(-0.0009000000000000001)]
    [InlineData(double.Epsilon)]
    public void DoublesRoundTripBitForBit(double value)
    {
        AnalysisReport report = SampleReports.Paper() with
        {
            Direct = [new EffectEstimate("x", value, value, value, value, value, 1)],
        };
        double read = Parse(report).GetProperty("direct").GetProperty("x").GetProperty("estimate").GetDouble();
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(read));
    }

    [Fact]
    public void TotalsAreNullWhenNotGiven()
    {
        JsonElement root = Parse(SampleReports.Paper() with { Totals = null });
        Assert.Equal(JsonValueKind.Null, root.GetProperty("totals").ValueKind);
    }

    [Fact]
    public void LargeSeedIsKeptExactAsAString()
    {
        AnalysisReport report = SampleReports.Paper();
        report = report with { Metadata = report.Metadata with { Seed = ulong.MaxValue } };
        Assert.Equal(ulong.MaxValue.ToString(), Parse(report).GetProperty("seed").GetString());
    }
}
