using GpuInference.Model;

namespace GpuInference.Inference.Models;

/// <summary>
/// The fixed part of a model (covariates and the absorbed fixed effect), prepared once so that any column can be
/// residualised on it in O(n·k): demeaning within fixed-effect groups, then removing the projection on an orthonormal
/// basis of the demeaned covariates (modified Gram–Schmidt, twice, for stability). By Frisch–Waugh–Lovell the
/// coefficients of the moving terms, their residuals and their scores are those of the full regression.
/// Every step runs in a fixed order, so a column's residual has the same bits whichever thread computes it.
/// </summary>
public sealed class FixedPart
{
    private readonly int[]? _group;
    private readonly double[]? _groupSize;
    private readonly double[][] _basis;

    public FixedPart(CompiledModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Units = model.UnitCount;
        _group = model.FixedEffect;
        if (_group is not null)
        {
            _groupSize = new double[model.FixedEffectGroups];
            foreach (int g in _group) _groupSize[g]++;
        }
        var basis = new List<double[]>();
        var dropped = new List<string>();
        for (int c = 0; c < model.Fixed.Length; c++)
        {
            double[] column = [.. model.Fixed[c]];
            Demean(column);
            double before = Norm(column);
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (double[] q in basis) Subtract(column, q);
            }
            double after = Norm(column);
            if (!(after > 1e-9 * Math.Max(before, 1e-300)) || before == 0)
            {
                dropped.Add(model.FixedNames[c]);
                continue;
            }
            for (int i = 0; i < column.Length; i++) column[i] /= after;
            basis.Add(column);
        }
        _basis = [.. basis];
        Dropped = dropped;
        Leverage = new double[Units];
        for (int i = 0; i < Units; i++)
        {
            double h = _group is null ? 0 : 1.0 / _groupSize![_group[i]];
            foreach (double[] q in _basis) h += q[i] * q[i];
            Leverage[i] = h;
        }
    }

    public int Units { get; }

    /// <summary>Parameters the fixed part estimates: the independent covariates plus one per fixed-effect group.</summary>
    public int Rank => _basis.Length + GroupCount;

    /// <summary>Independent covariates left after demeaning.</summary>
    public int CovariateRank => _basis.Length;

    /// <summary>Groups of the absorbed fixed effect; 0 without one.</summary>
    public int GroupCount => _groupSize?.Length ?? 0;

    /// <summary>Fixed columns that were a combination of earlier ones (or constant within the fixed effects), and left out.</summary>
    public IReadOnlyList<string> Dropped { get; }

    /// <summary>Each unit's leverage in the fixed part alone; a moving column's leverage adds to it.</summary>
    public double[] Leverage { get; }

    /// <summary>The orthonormal basis of the demeaned covariates (each column orthogonal to the fixed-effect groups).</summary>
    public IReadOnlyList<double[]> Basis => _basis;

    /// <summary>The fixed-effect group of each unit, or null.</summary>
    public int[]? Groups => _group;

    /// <summary>Replaces <paramref name="column"/> by its residual on the fixed part.</summary>
    public void Residualise(Span<double> column)
    {
        Demean(column);
        foreach (double[] q in _basis) Subtract(column, q);
    }

    private void Demean(Span<double> column)
    {
        if (_group is null) return;
        var sums = new double[_groupSize!.Length];
        for (int i = 0; i < column.Length; i++) sums[_group[i]] += column[i];
        for (int g = 0; g < sums.Length; g++) sums[g] /= _groupSize[g];
        for (int i = 0; i < column.Length; i++) column[i] -= sums[_group[i]];
    }

    private static void Subtract(Span<double> column, double[] q)
    {
        double dot = 0;
        for (int i = 0; i < column.Length; i++) dot += q[i] * column[i];
        for (int i = 0; i < column.Length; i++) column[i] -= dot * q[i];
    }

    private static double Norm(ReadOnlySpan<double> column)
    {
        double sum = 0;
        foreach (double v in column) sum += v * v;
        return Math.Sqrt(sum);
    }
}
