using System.Globalization;
using GpuInference.Inference;
using GpuInference.Reporting;
using GpuInference.Analysis;

namespace GpuInference.Tests.Reporting;

public class NullCsvWriterTests
{
    [Fact]
    public void WritesHeaderAndOneFullPrecisionRowPerPermutation()
    {
        SpilloverStatistic[] statistics =
        [
            new("banner", new NullDistribution(0.001, [0.1 + 0.2, double.NaN, -1e-5])),
            new("feed", new NullDistribution(0.0, [1.0 / 3.0, double.NaN, 0])),
        ];
        var writer = new StringWriter();
        NullCsvWriter.Write(statistics, writer);
        string[] lines = writer.ToString().Split('\n');

        Assert.Equal("permutation,banner,feed", lines[0]);
        Assert.Equal("0,0.30000000000000004,0.3333333333333333", lines[1]);
        Assert.Equal("1,NaN,NaN", lines[2]);
        Assert.Equal("2,-1E-05,0", lines[3]);
        Assert.Equal("", lines[4]);
        Assert.Equal(5, lines.Length);
        Assert.Equal(0.1 + 0.2, double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void RejectsStatisticsOfDifferentLengths()
    {
        SpilloverStatistic[] statistics =
        [
            new("banner", new NullDistribution(0, [1.0, 2.0])),
            new("feed", new NullDistribution(0, [1.0])),
        ];
        Assert.Throws<ArgumentException>(() => NullCsvWriter.Write(statistics, new StringWriter()));
    }
}
