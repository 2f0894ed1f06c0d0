using System.Numerics;

namespace GpuInference.Estimation;

/// <summary>
/// The variable whose levels are the clusters of a cluster-robust covariance (CR0, CR1, CR2): each observation's
/// cluster, coded 0 … G − 1 in order of first appearance. Scores are summed within clusters, so errors may correlate
/// freely inside one and not at all between two.
/// </summary>
public sealed class Clusters
{
    private readonly int[] _codes;
    private readonly int[] _sizes;
    private readonly string[] _labels;

    private Clusters(string name, int[] codes, string[] labels)
    {
        Name = name;
        _codes = codes;
        _labels = labels;
        _sizes = new int[labels.Length];
        foreach (int code in codes) _sizes[code]++;
    }

    /// <summary>
    /// Clusters from labels of any kind (village names, integer ids written as text). A missing label (null, empty or
    /// blank, or R's "NA") is an error naming its row, because dropping the row would silently change the sample.
    /// </summary>
    /// <exception cref="MissingClusterException">A row has no cluster.</exception>
    public static Clusters FromLabels(string name, IReadOnlyList<string?> labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(labels);
        var codes = new int[labels.Count];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < codes.Length; i++)
        {
            string? label = labels[i]?.Trim();
            if (string.IsNullOrEmpty(label) || label == "NA") throw new MissingClusterException(name, i);
            if (!index.TryGetValue(label, out int code))
            {
                code = order.Count;
                index.Add(label, code);
                order.Add(label);
            }
            codes[i] = code;
        }
        return new Clusters(name, codes, [.. order]);
    }

    /// <summary>Clusters from integer ids, any values (negative ones too); codes follow first appearance.</summary>
    public static Clusters FromIds<T>(string name, ReadOnlySpan<T> ids) where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var codes = new int[ids.Length];
        var index = new Dictionary<T, int>();
        var order = new List<string>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (!index.TryGetValue(ids[i], out int code))
            {
                code = order.Count;
                index.Add(ids[i], code);
                order.Add(ids[i].ToString(null, System.Globalization.CultureInfo.InvariantCulture));
            }
            codes[i] = code;
        }
        return new Clusters(name, codes, [.. order]);
    }

    /// <summary>The variable's name, as the covariance is labelled ("CR2:village").</summary>
    public string Name { get; }

    /// <summary>The number of observations.</summary>
    public int Rows => _codes.Length;

    /// <summary>G, the number of clusters.</summary>
    public int Count => _labels.Length;

    /// <summary>The labels, in code order (first appearance).</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Observation <paramref name="row"/>'s cluster code.</summary>
    public int ClusterOf(int row) => _codes[row];

    /// <summary>The number of observations in cluster <paramref name="cluster"/>.</summary>
    public int SizeOf(int cluster) => _sizes[cluster];

    /// <summary>
    /// Whether every group of <paramref name="fixedEffects"/> lies within a single cluster: then its dummies are
    /// constant within clusters and, under fixest's ssc(fixef.K = "nested"), do not count towards K.
    /// </summary>
    public bool Nests(FixedEffects fixedEffects)
    {
        ArgumentNullException.ThrowIfNull(fixedEffects);
        if (fixedEffects.Rows != Rows) throw new ArgumentException($"fixed effects '{fixedEffects.Name}' have {fixedEffects.Rows} rows, the clusters '{Name}' {Rows}", nameof(fixedEffects));
        var clusterOfGroup = new Dictionary<int, int>();
        for (int i = 0; i < _codes.Length; i++)
        {
            int group = fixedEffects.GroupOf(i);
            if (clusterOfGroup.TryGetValue(group, out int cluster))
            {
                if (cluster != _codes[i]) return false;
            }
            else
            {
                clusterOfGroup.Add(group, _codes[i]);
            }
        }
        return true;
    }

    /// <summary>The row indices of each cluster, clusters in code order and rows in order within each.</summary>
    internal int[][] RowsByCluster()
    {
        var rows = new int[_sizes.Length][];
        for (int g = 0; g < rows.Length; g++) rows[g] = new int[_sizes[g]];
        var filled = new int[_sizes.Length];
        for (int i = 0; i < _codes.Length; i++) rows[_codes[i]][filled[_codes[i]]++] = i;
        return rows;
    }
}
