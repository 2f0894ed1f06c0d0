using System.Numerics;

namespace GpuInference.Estimation;

/// <summary>
/// A dense regression design stored by column, each column a named array of <see cref="Rows"/> doubles. Columns are
/// kept as separate arrays rather than one block so that a 15-million-row design never needs one huge allocation,
/// and so that the factorisation can stream one column at a time.
/// </summary>
public sealed class DesignMatrix
{
    /// <summary>The name <see cref="AddIntercept"/> gives its column, as R prints it.</summary>
    public const string InterceptName = "(Intercept)";

    private readonly List<double[]> _columns = [];
    private readonly List<string> _names = [];

    /// <summary>Creates an empty design for <paramref name="rows"/> observations.</summary>
    public DesignMatrix(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
    }

    /// <summary>The number of observations.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _columns.Count;

    /// <summary>The column names, in column order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Column <paramref name="index"/>'s values.</summary>
    public ReadOnlySpan<double> Column(int index) => _columns[index];

    /// <summary>The values of the column called <paramref name="name"/>.</summary>
    public ReadOnlySpan<double> Column(string name) => _columns[IndexOf(name)];

    /// <summary>Column <paramref name="index"/>'s array itself, for the fit to read without copying.</summary>
    internal double[] ColumnArray(int index) => _columns[index];

    /// <summary>The position of the column called <paramref name="name"/>.</summary>
    public int IndexOf(string name)
    {
        int index = _names.IndexOf(name);
        return index >= 0 ? index : throw new KeyNotFoundException($"the design has no column '{name}'");
    }

    /// <summary>Adds a column of ones named <see cref="InterceptName"/>.</summary>
    public DesignMatrix AddIntercept()
    {
        var ones = new double[Rows];
        Array.Fill(ones, 1.0);
        return AddColumn(InterceptName, ones);
    }

    /// <summary>
    /// Adds <paramref name="values"/> as a column. The array is kept, not copied (a copy would double the memory of a
    /// large design), so the caller must not change it afterwards.
    /// </summary>
    public DesignMatrix AddColumn(string name, double[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Rows) throw new ArgumentException($"column '{name}' has {values.Length} rows, the design {Rows}", nameof(values));
        if (_names.Contains(name)) throw new ArgumentException($"the design already has a column '{name}'", nameof(name));
        _columns.Add(values);
        _names.Add(name);
        return this;
    }

    /// <summary>Adds a 0/1 column that is 1 where <paramref name="values"/> equals <paramref name="level"/>.</summary>
    public DesignMatrix AddIndicator<T>(string name, ReadOnlySpan<T> values, T level) where T : IEquatable<T>
    {
        if (values.Length != Rows) throw new ArgumentException($"column '{name}' has {values.Length} rows, the design {Rows}", nameof(values));
        var column = new double[Rows];
        for (int i = 0; i < column.Length; i++) column[i] = values[i].Equals(level) ? 1.0 : 0.0;
        return AddColumn(name, column);
    }

    /// <summary>
    /// Adds one indicator per level of a categorical variable except <paramref name="baseline"/> (treatment
    /// contrasts, as R's model.matrix builds them). <paramref name="codes"/> index into <paramref name="levels"/>;
    /// the columns are named prefix + level, e.g. "vote2010" + "voted".
    /// </summary>
    public DesignMatrix AddDummies<T>(string prefix, ReadOnlySpan<T> codes, IReadOnlyList<string> levels, int baseline)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentOutOfRangeException.ThrowIfNegative(baseline);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(baseline, levels.Count);
        if (codes.Length != Rows) throw new ArgumentException($"'{prefix}' has {codes.Length} rows, the design {Rows}", nameof(codes));
        var columns = new double[levels.Count][];
        for (int level = 0; level < levels.Count; level++) columns[level] = level == baseline ? [] : new double[Rows];
        for (int i = 0; i < codes.Length; i++)
        {
            int code = int.CreateTruncating(codes[i]);
            if ((uint)code >= (uint)levels.Count) throw new ArgumentOutOfRangeException(nameof(codes), $"row {i} of '{prefix}' has code {code}, outside its {levels.Count} levels");
            if (code != baseline) columns[code][i] = 1.0;
        }
        for (int level = 0; level < levels.Count; level++)
        {
            if (level != baseline) AddColumn(prefix + levels[level], columns[level]);
        }
        return this;
    }
}
