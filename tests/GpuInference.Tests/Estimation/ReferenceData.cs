using System.Globalization;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// The fixed data set and the values R computed from it (tests/reference-scripts/estimation_reference.R), both
/// committed under Reference/ so that the tests need no R.
/// </summary>
internal sealed class ReferenceData
{
    private static readonly Lazy<ReferenceData> Instance = new(Load);

    private readonly Dictionary<string, double> _values;

    private ReferenceData(Dictionary<string, double> values, int[] stratum, bool[] z, bool[] d, double[] x, double[] y)
    {
        _values = values;
        Stratum = stratum;
        Z = z;
        D = d;
        X = x;
        Y = y;
    }

    public static ReferenceData Shared => Instance.Value;

    public int[] Stratum { get; }
    public bool[] Z { get; }
    public bool[] D { get; }
    public double[] X { get; }
    public double[] Y { get; }
    public int Rows => Y.Length;

    /// <summary>The value R printed under <paramref name="key"/>.</summary>
    public double this[string key] =>
        _values.TryGetValue(key, out double value) ? value : throw new KeyNotFoundException($"estimation_reference.txt has no '{key}'");

    private static ReferenceData Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Reference");
        var values = new Dictionary<string, double>();
        foreach (string line in File.ReadAllLines(Path.Combine(folder, "estimation_reference.txt")))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.LastIndexOf(' ');
            values.Add(line[..space], double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        string[] rows = File.ReadAllLines(Path.Combine(folder, "estimation_dataset.csv"));
        Assert.Equal("stratum,z,d,x,y", rows[0]);
        int n = rows.Length - 1;
        var stratum = new int[n];
        var z = new bool[n];
        var d = new bool[n];
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            string[] fields = rows[i + 1].Split(',');
            stratum[i] = int.Parse(fields[0], CultureInfo.InvariantCulture);
            z[i] = fields[1] == "1";
            d[i] = fields[2] == "1";
            x[i] = double.Parse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture);
            y[i] = double.Parse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return new ReferenceData(values, stratum, z, d, x, y);
    }
}
