using System.Globalization;
using System.Text;
using GpuInference.Data;

namespace GpuInference.Tests.Data;

/// <summary>The field parsers agree with .NET's own parsers, which are the oracle, on every form a cell can take.</summary>
public sealed class Utf8FieldsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("007")]
    [InlineData("-0")]
    [InlineData("999999999999999")]     // 15 digits: the quick path's largest
    [InlineData("9007199254740993")]    // 2^53 + 1, not a double: the general parser rounds it
    [InlineData("12345678901234567890123")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    [InlineData("x")]
    public void FiniteDoublesParseAsDoubleParseDoes(string text)
    {
        bool expected = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value);
        Assert.Equal(expected, Utf8Fields.TryParseFiniteDouble(Encoding.UTF8.GetBytes(text), out double parsed));
        if (expected) Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(parsed));
    }

    [Fact]
    public void RandomDigitRunsParseAsDoubleParseDoes()
    {
        var random = new System.Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            string text = string.Concat(Enumerable.Range(0, random.Next(1, 20)).Select(_ => (char)('0' + random.Next(10))));
            double expected = double.Parse(text, CultureInfo.InvariantCulture);
            Assert.True(Utf8Fields.TryParseFiniteDouble(Encoding.UTF8.GetBytes(text), out double parsed), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(parsed));
        }
    }
}
