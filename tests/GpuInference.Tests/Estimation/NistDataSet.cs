using System.Globalization;
using GpuInference.Tests.Support;
using System.Text.RegularExpressions;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// One NIST StRD linear-regression file: its certified values and its data, read at test time from the shared
/// reference folder (shared/data/nist beside the repository). The header's own line ranges say where each part is.
/// </summary>
internal sealed partial class NistDataSet
{
    public required string Name { get; init; }
    public required double[] Coefficients { get; init; }
    public required double[] StandardDeviations { get; init; }
    public required double ResidualStandardDeviation { get; init; }
    public required double RSquared { get; init; }

    /// <summary>The data rows: y first, then the predictors, as in the file.</summary>
    public required double[][] Rows { get; init; }

    public double[] Y => Rows.Select(row => row[0]).ToArray();

    public double[] Predictor(int index) => Rows.Select(row => row[index + 1]).ToArray();

    public static NistDataSet Load(string name)
    {
        string path = SharedData.PathOf("nist", name + ".dat");
        // A missing file fails the test: the certified checks are the estimator's ground truth and must not go quiet.
        Assert.True(File.Exists(path), $"NIST reference file missing: {path}");
        string[] lines = File.ReadAllLines(path);
        (int certifiedFirst, int certifiedLast) = Range(lines, "Certified Values");
        (int dataFirst, int dataLast) = Range(lines, "Data");

        var coefficients = new List<double>();
        var deviations = new List<double>();
        double? residualSd = null, rSquared = null;
        for (int i = certifiedFirst - 1; i < certifiedLast; i++)
        {
            string line = lines[i];
            Match parameter = ParameterLine().Match(line);
            if (parameter.Success)
            {
                coefficients.Add(Parse(parameter.Groups[1].Value));
                deviations.Add(Parse(parameter.Groups[2].Value));
                continue;
            }
            Match sd = ResidualSdLine().Match(line);
            if (sd.Success) residualSd = Parse(sd.Groups[1].Value);
            Match r2 = RSquaredLine().Match(line);
            if (r2.Success) rSquared = Parse(r2.Groups[1].Value);
        }
        Assert.True(coefficients.Count > 0 && residualSd is not null && rSquared is not null, $"could not read the certified values of {path}");

        var rows = new List<double[]>();
        for (int i = dataFirst - 1; i < dataLast; i++)
        {
            string[] fields = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0) rows.Add(fields.Select(Parse).ToArray());
        }
        return new NistDataSet
        {
            Name = name,
            Coefficients = [.. coefficients],
            StandardDeviations = [.. deviations],
            ResidualStandardDeviation = residualSd!.Value,
            RSquared = rSquared!.Value,
            Rows = [.. rows],
        };
    }

    private static (int First, int Last) Range(string[] lines, string label)
    {
        var pattern = new Regex(label + @"\s*\(lines\s+(\d+)\s+to\s+(\d+)\)");
        foreach (string line in lines)
        {
            Match match = pattern.Match(line);
            if (match.Success) return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        throw new InvalidDataException($"no '{label} (lines a to b)' in the header");
    }

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*B\d+\s+(\S+)\s+(\S+)\s*$")]
    private static partial Regex ParameterLine();

    [GeneratedRegex(@"^\s*Standard Deviation\s+(\S+)\s*$")]
    private static partial Regex ResidualSdLine();

    [GeneratedRegex(@"^\s*R-Squared\s+(\S+)\s*$")]
    private static partial Regex RSquaredLine();
}
