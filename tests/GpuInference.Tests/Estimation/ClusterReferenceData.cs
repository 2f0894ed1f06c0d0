using System.Globalization;

namespace GpuInference.Tests.Estimation;

/// <summary>
/// The clustered data set and the values R computed from it (tests/reference-scripts/cluster_reference.R), both
/// committed under Reference/ so that the tests need no R: 12 villages (integer ids), each with 2 to 4 sessions
/// (text labels) of 3 to 8 people.
/// </summary>
internal sealed class ClusterReferenceData
{
    private static readonly Lazy<ClusterReferenceData> Instance = new(Load);

    private readonly Dictionary<string, double> _values;

    private ClusterReferenceData(Dictionary<string, double> values, double[] y, double[] x1, double[] x2, int[] village, string[] session)
    {
        _values = values;
        Y = y;
        X1 = x1;
        X2 = x2;
        Village = village;
        Session = session;
    }

    public static ClusterReferenceData Shared => Instance.Value;

    public static string DatasetPath => Path.Combine(AppContext.BaseDirectory, "Reference", "cluster_dataset.csv");

    public double[] Y { get; }
    public double[] X1 { get; }
    public double[] X2 { get; }
    public int[] Village { get; }
    public string[] Session { get; }
    public int Rows => Y.Length;

    /// <summary>The value R printed under <paramref name="key"/>.</summary>
    public double this[string key] =>
        _values.TryGetValue(key, out double value) ? value : throw new KeyNotFoundException($"cluster_reference.txt has no '{key}'");

    private static ClusterReferenceData Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Reference");
        var values = new Dictionary<string, double>();
        foreach (string line in File.ReadAllLines(Path.Combine(folder, "cluster_reference.txt")))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.LastIndexOf(' ');
            values.Add(line[..space], double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        string[] rows = File.ReadAllLines(DatasetPath);
        Assert.Equal("y,x1,x2,village,session", rows[0]);
        int n = rows.Length - 1;
        var y = new double[n];
        var x1 = new double[n];
        var x2 = new double[n];
        var village = new int[n];
        var session = new string[n];
        for (int i = 0; i < n; i++)
        {
            string[] fields = rows[i + 1].Split(',');
            y[i] = double.Parse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            x1[i] = double.Parse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture);
            x2[i] = double.Parse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture);
            village[i] = int.Parse(fields[3], CultureInfo.InvariantCulture);
            session[i] = fields[4];
        }
        return new ClusterReferenceData(values, y, x1, x2, village, session);
    }
}
