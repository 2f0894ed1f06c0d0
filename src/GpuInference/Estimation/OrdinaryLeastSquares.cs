namespace GpuInference.Estimation;

/// <summary>
/// Least squares by Householder QR, with classical or heteroskedasticity-consistent covariances and optional
/// absorbed fixed effects. Never forms XᵀX. Time is O(N k²); memory is the design plus at most two N×k working
/// copies (the demeaned design when fixed effects are absorbed, and the factorisation's own copy) and three N-vectors.
/// </summary>
public static class OrdinaryLeastSquares
{
    /// <summary>
    /// Relative size below which a column counts as having no independent variation. Exact collinearity leaves
    /// |R_jj| near machine epsilon times √N relative to the column (about 1e-13 at 15 million rows), while the
    /// hardest certified problems (Wampler's quintic, Longley) stay above 1e-9, so 1e-10 separates the two.
    /// </summary>
    public const double RankTolerance = 1e-10;

    /// <summary>
    /// Fits y on the design's columns. With <paramref name="fixedEffects"/>, y and every column are first demeaned
    /// within its groups (Frisch–Waugh–Lovell), so the design should then have no intercept: a constant column has no
    /// variation within groups and is reported as degenerate.
    /// <para>
    /// The covariance matches estimatr's lm_robust(fixed_effects =) rather than a naive within regression in two ways
    /// that matter when groups are small: the residual degrees of freedom (for σ², HC1 and the t reference) subtract
    /// the number of groups, and the HC2/HC3 leverages are those of the full model with its group dummies,
    /// h_ii = h̃_ii + 1/n_g, because projecting onto [D, X] is projecting onto D (leverage 1/n_g) plus onto the
    /// demeaned X (h̃). estimatr builds the hat values from cbind(X, dummies); this is the same number without the
    /// dummies, so the result equals the dummy-variable regression's exactly.
    /// </para>
    /// </summary>
    /// <exception cref="DegenerateDesignException">A column has no variation (within groups), or is a linear
    /// combination of earlier columns; or, for HC2/HC3, an observation has leverage 1 (a group of one).</exception>
    public static OlsResult Fit(DesignMatrix x, ReadOnlySpan<double> y, CovarianceType type, FixedEffects? fixedEffects = null)
        => Fit(x, y, type, fixedEffects, clusters: null);

    /// <summary>
    /// Fits y on the design's columns with a cluster-robust (or any other) covariance. For
    /// <see cref="CovarianceType.CR0"/>, <see cref="CovarianceType.CR1"/> and <see cref="CovarianceType.CR2"/>,
    /// <paramref name="clusters"/> is required; for every other type it must be null.
    /// <para>
    /// CR1 scales CR0 by <paramref name="smallSample"/>'s factor, by default <see cref="SmallSampleCorrection.Fixest"/>:
    /// G/(G − 1)·(n − 1)/(n − K), where K counts the design's columns plus the absorbed fixed-effect groups, except
    /// that fixed effects nested within the clusters count as one (Stata's and fixest's fixef.K = "nested"; estimatr's
    /// "stata" type counts them all, which is <see cref="SmallSampleCorrection.Full"/>). CR2 is estimatr's
    /// Bell–McCaffrey estimator with the full model's leverages (see <see cref="ClusterRobust"/>).
    /// </para>
    /// <para>
    /// Intervals and p-values (<see cref="OlsResult.Estimate"/>) use t on G − 1 degrees of freedom for CR0 and CR1 and
    /// on each coefficient's Bell–McCaffrey degrees of freedom for CR2, as estimatr reports them.
    /// </para>
    /// </summary>
    /// <exception cref="DegenerateDesignException">As for the other overload; or fewer than two clusters.</exception>
    public static OlsResult Fit(
        DesignMatrix x, ReadOnlySpan<double> y, CovarianceType type, FixedEffects? fixedEffects, Clusters? clusters,
        SmallSampleCorrection? smallSample = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool clustered = CovarianceSpecification.IsClustered(type);
        if (clustered && clusters is null) throw new ArgumentException($"{type} needs clusters", nameof(clusters));
        if (!clustered && clusters is not null) throw new ArgumentException($"{type} does not use clusters; use CR0, CR1 or CR2", nameof(clusters));
        if (clusters is not null && clusters.Rows != x.Rows)
            throw new ArgumentException($"clusters '{clusters.Name}' have {clusters.Rows} rows, the design {x.Rows}", nameof(clusters));
        int n = x.Rows;
        int k = x.ColumnCount;
        if (y.Length != n) throw new ArgumentException($"y has {y.Length} rows, the design {n}", nameof(y));
        if (fixedEffects is not null && fixedEffects.Rows != n)
            throw new ArgumentException($"fixed effects '{fixedEffects.Name}' have {fixedEffects.Rows} rows, the design {n}", nameof(fixedEffects));
        if (k == 0) throw new ArgumentException("the design has no columns", nameof(x));
        int rank = k + (fixedEffects?.GroupCount ?? 0);
        // Too few rows is a property of the data, not a programming error: report it as a degenerate design.
        if (n <= rank) throw new DegenerateDesignException(x.Names[^1], $"{n} observations cannot estimate {rank} parameters with residual degrees of freedom left");

        double[][] within = WithinColumns(x, fixedEffects, out double[] norms);
        double[] yWithin = y.ToArray();
        fixedEffects?.Demean(yWithin, yWithin);
        (double[] r, double[] beta) = Solve(x, within, norms, yWithin, fixedEffects);

        // Residuals from y − Xβ on the (demeaned) data: within residuals equal the dummy regression's residuals.
        double[] residuals = yWithin;
        for (int j = 0; j < k; j++) Kernels.Axpy(-beta[j], within[j], residuals);
        double rss = Kernels.Dot(residuals, residuals);
        double df = n - rank;

        double[] rInverse = Triangular.InvertUpper(r, k);
        ClusteredFit? clusteredFit = null;
        double[] meat;
        if (clusters is not null)
        {
            SmallSampleCorrection rule = smallSample ?? SmallSampleCorrection.Fixest;
            (meat, double[] coefficientDf, int? parameters) = ClusterRobust.Compute(
                within, residuals, r, rInverse, type, clusters, fixedEffects, rule);
            clusteredFit = new ClusteredFit(clusters.Name, clusters.Count, coefficientDf,
                type == CovarianceType.CR1 ? rule : null, parameters);
        }
        else
            meat = type == CovarianceType.Classical
                ? ClassicalMeat(k, rss / df)
                : RobustMeat(within, residuals, r, type, fixedEffects, n, rank);
        double[] covariance = Triangular.Sandwich(rInverse, meat, k);

        bool centred = fixedEffects is not null || HasConstantColumn(x);
        double tss = centred ? Kernels.CentredSumOfSquares(y) : Kernels.Dot(y, y);
        return new OlsResult([.. x.Names], beta, covariance, type, n, rank, rss, 1 - rss / tss, clusteredFit);
    }

    /// <summary>
    /// Factors a copy of the (demeaned) design and solves R β = (Qᵀy)[..k]. The copy and Qᵀy are N-sized and die
    /// when this returns, so they are not held through the leverage pass.
    /// </summary>
    private static (double[] R, double[] Beta) Solve(
        DesignMatrix x, double[][] within, double[] norms, double[] yWithin, FixedEffects? fixedEffects)
    {
        int k = within.Length;
        var work = new double[k][];
        for (int j = 0; j < k; j++) work[j] = (double[])within[j].Clone();
        HouseholderQr qr = HouseholderQr.Factor(work, norms, RankTolerance, out int dependent)
            ?? throw Collinear(x, dependent, fixedEffects);
        double[] projected = (double[])yWithin.Clone();
        qr.ApplyQTransposed(projected);
        double[] r = qr.UpperTriangle();
        var beta = new double[k];
        Triangular.SolveUpper(r, k, projected.AsSpan(0, k), beta);
        return (r, beta);
    }

    /// <summary>
    /// The columns the factorisation sees: the design's own arrays, or demeaned copies. Also their norms, which the
    /// rank test measures against, after rejecting columns with no variation at all.
    /// </summary>
    private static double[][] WithinColumns(DesignMatrix x, FixedEffects? fixedEffects, out double[] norms)
    {
        int k = x.ColumnCount;
        var within = new double[k][];
        norms = new double[k];
        for (int j = 0; j < k; j++)
        {
            double[] column = x.ColumnArray(j);
            if (fixedEffects is null)
            {
                within[j] = column;
                norms[j] = Kernels.Norm(column);
                if (norms[j] == 0) throw new DegenerateDesignException(x.Names[j], $"column '{x.Names[j]}' is all zeros");
            }
            else
            {
                within[j] = new double[column.Length];
                fixedEffects.Demean(column, within[j]);
                norms[j] = Kernels.Norm(within[j]);
                // Demeaning a column that is constant within groups leaves rounding noise of order ε·|x|, not zero.
                if (!(norms[j] > RankTolerance * Kernels.Norm(column)))
                    throw new DegenerateDesignException(
                        x.Names[j], $"column '{x.Names[j]}' has no variation within strata of '{fixedEffects.Name}'");
            }
        }
        return within;
    }

    private static DegenerateDesignException Collinear(DesignMatrix x, int column, FixedEffects? fixedEffects)
    {
        string name = x.Names[column];
        string earlier = string.Join(", ", x.Names.Take(column).Select(n => $"'{n}'"));
        string absorbed = fixedEffects is null ? "" : $" and the '{fixedEffects.Name}' fixed effects";
        string basis = column == 0 ? $"the '{fixedEffects?.Name}' fixed effects" : $"the columns before it ({earlier}){absorbed}";
        return new DegenerateDesignException(name, $"column '{name}' is a linear combination of {basis}");
    }

    /// <summary>The classical covariance σ²(XᵀX)⁻¹ = R⁻¹ (σ² I) R⁻ᵀ.</summary>
    private static double[] ClassicalMeat(int k, double sigmaSquared)
    {
        var meat = new double[k * k];
        for (int j = 0; j < k; j++) meat[j * k + j] = sigmaSquared;
        return meat;
    }

    /// <summary>
    /// The HC meat in R's orthonormal basis: Σ ω_i u_i u_iᵀ with u_i = R⁻ᵀ x_i (row i of the thin Q). Working with u_i
    /// instead of x_i keeps the sum well conditioned and gives the leverage for free: h_ii = ‖u_i‖².
    /// </summary>
    private static double[] RobustMeat(
        double[][] within, double[] residuals, double[] r, CovarianceType type, FixedEffects? fixedEffects, int n, int rank)
    {
        int k = within.Length;
        var meat = new double[k * k];
        Span<double> row = stackalloc double[k];
        Span<double> u = stackalloc double[k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++) row[j] = within[j][i];
            Triangular.SolveUpperTransposed(r, k, row, u);
            double e2 = residuals[i] * residuals[i];
            double omega = e2;
            if (type is CovarianceType.HC2 or CovarianceType.HC3)
            {
                double leverage = 0;
                for (int j = 0; j < k; j++) leverage += u[j] * u[j];
                if (fixedEffects is not null) leverage += 1.0 / fixedEffects.SizeOf(fixedEffects.GroupOf(i));
                double complement = 1 - leverage;
                if (!(complement > 1e-12))
                {
                    string where = fixedEffects is null ? "" : $" (group {fixedEffects.GroupOf(i)} of '{fixedEffects.Name}' has {fixedEffects.SizeOf(fixedEffects.GroupOf(i))} observation(s))";
                    throw new DegenerateDesignException(
                        fixedEffects?.Name ?? $"row {i + 1}", $"row {i + 1} of the design has leverage 1{where}, so {type} is undefined")
                    {
                        Observation = i,
                    };
                }
                omega = type == CovarianceType.HC2 ? e2 / complement : e2 / (complement * complement);
            }
            for (int a = 0; a < k; a++)
            {
                double scaled = omega * u[a];
                for (int b = a; b < k; b++) meat[a * k + b] += scaled * u[b];
            }
        }
        double factor = type == CovarianceType.HC1 ? (double)n / (n - rank) : 1.0;
        for (int a = 0; a < k; a++)
            for (int b = a; b < k; b++)
            {
                meat[a * k + b] *= factor;
                meat[b * k + a] = meat[a * k + b];
            }
        return meat;
    }

    /// <summary>Whether some column is a non-zero constant, i.e. the model has an intercept (R²'s TSS is then centred).</summary>
    private static bool HasConstantColumn(DesignMatrix x)
    {
        for (int j = 0; j < x.ColumnCount; j++)
        {
            ReadOnlySpan<double> column = x.Column(j);
            if (column.Length == 0 || column[0] == 0) continue;
            int i = 1;
            while (i < column.Length && column[i] == column[0]) i++;
            if (i == column.Length) return true;
        }
        return false;
    }
}
