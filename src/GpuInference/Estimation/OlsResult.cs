namespace GpuInference.Estimation;

/// <summary>
/// A fitted linear model: coefficients, their covariance of the requested type, and the fit statistics estimatr's
/// lm_robust reports. Fixed effects, when absorbed, are not among the coefficients but count in the rank.
/// </summary>
public sealed class OlsResult
{
    private readonly string[] _names;
    private readonly double[] _coefficients;
    private readonly double[] _covariance;
    private readonly double[]? _coefficientDf;

    internal OlsResult(
        string[] names, double[] coefficients, double[] covariance, CovarianceType covarianceType, int observations,
        int rank, double residualSumOfSquares, double rSquared, ClusteredFit? clustered = null)
    {
        _coefficientDf = clustered?.DegreesOfFreedom;
        ClusterName = clustered?.ClusterName;
        ClusterCount = clustered?.ClusterCount;
        SmallSample = clustered?.SmallSample;
        SmallSampleParameterCount = clustered?.ParameterCount;
        _names = names;
        _coefficients = coefficients;
        _covariance = covariance;
        CovarianceType = covarianceType;
        N = observations;
        Rank = rank;
        ResidualSumOfSquares = residualSumOfSquares;
        RSquared = rSquared;
        var errors = new double[names.Length];
        for (int j = 0; j < errors.Length; j++) errors[j] = Math.Sqrt(covariance[j * names.Length + j]);
        StandardErrors = errors;
    }

    /// <summary>The coefficient names, in design column order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The estimated coefficients, in design column order.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The square roots of the covariance's diagonal.</summary>
    public IReadOnlyList<double> StandardErrors { get; }

    /// <summary>How the covariance was estimated.</summary>
    public CovarianceType CovarianceType { get; }

    /// <summary>The number of observations.</summary>
    public int N { get; }

    /// <summary>The model's rank: the design's columns plus the absorbed fixed-effect groups.</summary>
    public int Rank { get; }

    /// <summary>N − Rank: the residual degrees of freedom, and those of every t interval and p-value unless clustered.</summary>
    public int ResidualDegreesOfFreedom => N - Rank;

    /// <summary>The cluster variable's name for CR0/CR1/CR2, else null.</summary>
    public string? ClusterName { get; }

    /// <summary>G, the number of clusters, for CR0/CR1/CR2, else null.</summary>
    public int? ClusterCount { get; }

    /// <summary>For CR1, the small-sample rule applied; null for every other type.</summary>
    public SmallSampleCorrection? SmallSample { get; }

    /// <summary>For CR1, the K of (n − 1)/(n − K) that <see cref="SmallSample"/> counted; null for every other type.</summary>
    public int? SmallSampleParameterCount { get; }

    /// <summary>
    /// The t reference's degrees of freedom for coefficient <paramref name="name"/>: the residual df, or G − 1 for CR0
    /// and CR1, or its Bell–McCaffrey df for CR2 (not an integer), as estimatr reports them.
    /// </summary>
    public double DegreesOfFreedom(string name) => _coefficientDf?[IndexOf(name)] ?? ResidualDegreesOfFreedom;

    /// <summary>How the covariance is named on the command line and in regress.json: "HC2", "CR2:village".</summary>
    public string CovarianceLabel => ClusterName is null ? CovarianceType.ToString() : $"{CovarianceType}:{ClusterName}";

    /// <summary>Σ e² over all observations.</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>√(RSS / residual df): the residual standard deviation.</summary>
    public double ResidualStandardError => Math.Sqrt(ResidualSumOfSquares / ResidualDegreesOfFreedom);

    /// <summary>
    /// 1 − RSS/TSS. TSS is centred on the mean of y when the model has an intercept or fixed effects and uncentred
    /// otherwise, as R reports it (and as NIST certifies the no-intercept data sets). With fixed effects this is the
    /// R² of the full model, dummies included, as lm_robust's r.squared.
    /// </summary>
    public double RSquared { get; }

    /// <summary>The covariance of coefficients <paramref name="a"/> and <paramref name="b"/>.</summary>
    public double Covariance(string a, string b) => _covariance[IndexOf(a) * _names.Length + IndexOf(b)];

    /// <summary>The covariance of the named coefficients, m × m row-major in the order given.</summary>
    public double[] Covariance(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        int m = names.Count;
        var v = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++) v[a * m + b] = Covariance(names[a], names[b]);
        }
        return v;
    }

    /// <summary>A copy of the full k×k covariance matrix.</summary>
    public double[,] CovarianceMatrix()
    {
        int k = _names.Length;
        var matrix = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) matrix[i, j] = _covariance[i * k + j];
        return matrix;
    }

    /// <summary>
    /// The coefficient called <paramref name="name"/> with its t-based 95% interval and two-sided p-value on
    /// <see cref="DegreesOfFreedom"/>.
    /// </summary>
    public Estimate Estimate(string name)
    {
        int index = IndexOf(name);
        return Estimation.Estimate.FromT(_coefficients[index], StandardErrors[index], DegreesOfFreedom(name));
    }

    private int IndexOf(string name)
    {
        int index = Array.IndexOf(_names, name);
        return index >= 0 ? index : throw new KeyNotFoundException($"the model has no coefficient '{name}'");
    }
}

/// <summary>What a cluster-robust fit adds to its result: the clusters, each coefficient's df, CR1's rule and K.</summary>
internal sealed record ClusteredFit(
    string ClusterName, int ClusterCount, double[] DegreesOfFreedom, SmallSampleCorrection? SmallSample, int? ParameterCount);
