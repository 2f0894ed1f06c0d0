namespace GpuInference.Inference;

/// <summary>
/// The permutation null distribution of one statistic, summarised against the observed value: quantiles,
/// one- and two-sided p-values with their Monte Carlo error, and the raw draws for plots and CSV.
/// <para>
/// A permutation whose fit was degenerate (a singular design, reported by the backends as NaN) carries no
/// information about the null; it is left out of every summary and counted in <see cref="NaNCount"/>, so B below
/// is the number of valid permutations.
/// </para>
/// <para>
/// Ties use exact comparison. Every backend returns the same bits as the CPU reference for the same permutation,
/// so a permutation that reproduces the observed assignment's statistic compares equal and is counted as extreme,
/// as the definition of the p-value requires.
/// </para>
/// </summary>
public sealed class NullDistribution
{
    private readonly double[] _values;
    private readonly double[] _sorted;

    /// <summary>Summarises <paramref name="values"/> (one per permutation index, NaN for a degenerate one) against <paramref name="observed"/>.</summary>
    public NullDistribution(double observed, ReadOnlySpan<double> values)
    {
        Observed = observed;
        _values = values.ToArray();

        var valid = new List<double>(_values.Length);
        foreach (double v in _values)
        {
            if (double.IsNaN(v)) NaNCount++;
            else valid.Add(v);
        }
        _sorted = valid.ToArray();
        Array.Sort(_sorted);

        if (_sorted.Length > 0)
        {
            double sum = 0;
            foreach (double v in _sorted) sum += v;
            Mean = sum / _sorted.Length;
            // Two-pass variance: the null draws are tiny numbers around zero, where the one-pass formula loses digits.
            double squares = 0;
            foreach (double v in _sorted) squares += (v - Mean) * (v - Mean);
            StandardDeviation = _sorted.Length > 1 ? Math.Sqrt(squares / (_sorted.Length - 1)) : double.NaN;
        }
        else
        {
            Mean = double.NaN;
            StandardDeviation = double.NaN;
        }

        if (double.IsNaN(observed) || _sorted.Length == 0)
        {
            TwoSided = Greater = Less = PValue.Unknown(Permutations);
        }
        else
        {
            long extreme = 0, above = 0, below = 0;
            double magnitude = Math.Abs(observed);
            foreach (double v in _sorted)
            {
                if (Math.Abs(v) >= magnitude) extreme++;
                if (v >= observed) above++;
                if (v <= observed) below++;
            }
            TwoSided = PValue.FromCount(extreme, Permutations);
            Greater = PValue.FromCount(above, Permutations);
            Less = PValue.FromCount(below, Permutations);
        }
    }

    /// <summary>The statistic under the observed assignment.</summary>
    public double Observed { get; }

    /// <summary>Every permutation's statistic, in permutation-index order, NaN included.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The valid (non-NaN) statistics in ascending order.</summary>
    public ReadOnlySpan<double> SortedValid => _sorted;

    /// <summary>Permutations drawn, valid or not.</summary>
    public int Drawn => _values.Length;

    /// <summary>Valid permutations B: those whose statistic is a number.</summary>
    public int Permutations => _sorted.Length;

    /// <summary>Degenerate permutations (NaN statistic), excluded from every summary.</summary>
    public int NaNCount { get; }

    /// <summary>Mean of the valid null draws.</summary>
    public double Mean { get; }

    /// <summary>Sample standard deviation (n − 1) of the valid null draws: the permutation standard error of the statistic.</summary>
    public double StandardDeviation { get; }

    /// <summary>Two-sided p: (1 + #{|null| ≥ |observed|}) / (1 + B). Assumes a null centred at zero, as the spillover coefficients are.</summary>
    public PValue TwoSided { get; }

    /// <summary>Upper-tail p: (1 + #{null ≥ observed}) / (1 + B).</summary>
    public PValue Greater { get; }

    /// <summary>Lower-tail p: (1 + #{null ≤ observed}) / (1 + B).</summary>
    public PValue Less { get; }

    /// <summary>The 0.5% quantile (lower end of the central 99% of the null, as in the paper's Fig 3).</summary>
    public double Q005 => Quantile(0.005);

    /// <summary>The 2.5% quantile.</summary>
    public double Q025 => Quantile(0.025);

    /// <summary>The 97.5% quantile.</summary>
    public double Q975 => Quantile(0.975);

    /// <summary>The 99.5% quantile.</summary>
    public double Q995 => Quantile(0.995);

    /// <summary>The <paramref name="probability"/> quantile of the valid draws, by <see cref="QuantileType7"/>; NaN when there are none.</summary>
    public double Quantile(double probability) => QuantileType7(_sorted, probability);

    /// <summary>
    /// Sample quantile of type 7 in Hyndman and Fan (1996), the default of R's <c>quantile</c> and of NumPy's
    /// <c>percentile</c> ("linear"): with the n values sorted as x[0..n−1], h = (n − 1)p, and the result
    /// x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]). It interpolates between order statistics, so it is continuous in p
    /// and equals the minimum at p = 0 and the maximum at p = 1. Returns NaN for an empty sample.
    /// </summary>
    /// <param name="sorted">Values in ascending order, without NaN.</param>
    /// <param name="probability">The probability p in [0, 1].</param>
    public static double QuantileType7(ReadOnlySpan<double> sorted, double probability)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "probability must lie in [0, 1].");
        if (sorted.Length == 0) return double.NaN;

        double h = (sorted.Length - 1) * probability;
        int lower = (int)Math.Floor(h);
        if (lower >= sorted.Length - 1) return sorted[^1];
        double fraction = h - lower;
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
    }
}
