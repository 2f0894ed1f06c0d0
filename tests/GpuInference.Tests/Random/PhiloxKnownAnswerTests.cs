using System.Globalization;
using GpuInference.Random;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Random;

public class PhiloxKnownAnswerTests
{
    public static TheoryData<string> Philox4x32Vectors()
    {
        var data = new TheoryData<string>();
        foreach (string line in File.ReadLines(SharedData.PathOf("random123", "kat_vectors")))
        {
            if (line.StartsWith("philox4x32 ", StringComparison.Ordinal)) data.Add(line);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Philox4x32Vectors))]
    public void MatchesRandom123KnownAnswers(string line)
    {
        uint[] w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(h => uint.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        int rounds = int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

        var (x0, x1, x2, x3) = Philox4x32.Generate(w[0], w[1], w[2], w[3], w[4], w[5], rounds);

        Assert.Equal(new[] { w[6], w[7], w[8], w[9] }, new[] { x0, x1, x2, x3 });
    }

    [Fact]
    public void TheFileHoldsTheTenRoundVectorsWeRelyOn()
    {
        string[] lines = File.ReadAllLines(SharedData.PathOf("random123", "kat_vectors"));
        Assert.Contains("philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8", lines);
    }
}
