namespace GpuInference.Estimation;

/// <summary>
/// Least squares when every regressor is constant within groups of rows (indicators of cells and levels, counts of
/// treated friends): the fit, its classical or HC0–HC3 covariance and R² from each group's count n_g, outcome mean
/// ȳ_g and centred sum of squares SS_g, in time independent of the row count. The result equals
/// <see cref="OrdinaryLeastSquares"/> on the rows to rounding.
/// <para>
/// Why it is exact. Write row i's regressors as z_g for its group g. Then XᵀX = Σ_g n_g z_g z_gᵀ, so the Householder QR
/// of the m×k matrix with rows √n_g·z_g has the same R as the QR of X (up to signs) and the same conditioning: no
/// digits are lost against QR on all rows, however ill-conditioned the design, because XᵀX is never formed. The
/// normal equations match as well (Xᵀy = Σ_g n_g ȳ_g z_g), so β solves the weighted problem on the group means.
/// Residuals follow per group: Σ_{i∈g} e_i² = SS_g + n_g (ȳ_g − z_gᵀβ)². The leverage of every row of a group is
/// the same, h_g = z_gᵀ(XᵀX)⁻¹z_g = ‖R⁻ᵀz_g‖² (1/n_g when z_g indicates group g alone: a saturated model), so the
/// HC meat Σ_i ω_i x_i x_iᵀ is Σ_g z_g z_gᵀ·(Σ_{i∈g} e_i²)·w(h_g), with w = 1, 1/(1 − h)
/// or 1/(1 − h)² for HC0/HC1, HC2, HC3.
/// </para>
/// <para>
/// With fixed effects absorbed (each group in one stratum), z and ȳ are demeaned within strata with weights n_g,
/// the residual degrees of freedom subtract the strata, and HC2/HC3 leverages add 1/n_s, as
/// <see cref="OrdinaryLeastSquares"/> does.
/// </para>
/// </summary>
internal static class GroupedLeastSquares
{
    /// <summary>
    /// Fits the model whose group g has regressors <paramref name="regressors"/>[g·k .. g·k + k) (row-major, k =
    /// <paramref name="names"/>.Count) and outcome moments <paramref name="groups"/>[g]; empty groups are ignored.
    /// With <paramref name="strata"/>, group g lies in stratum strata[g], whose effects are absorbed.
    /// </summary>
    /// <exception cref="DegenerateDesignException">As <see cref="OrdinaryLeastSquares.Fit(DesignMatrix, ReadOnlySpan{double}, CovarianceType, FixedEffects?)"/>;
    /// for a leverage of 1, <see cref="DegenerateDesignException.Observation"/> is the group, the one with the smallest
    /// <paramref name="order"/> (by default its index) when several are.</exception>
    public static OlsResult Fit(
        IReadOnlyList<string> names, ReadOnlySpan<double> regressors, ReadOnlySpan<ArmMoments> groups, CovarianceType type,
        ReadOnlySpan<int> strata = default, string strataName = "stratum", ReadOnlySpan<int> order = default)
    {
        if (CovarianceSpecification.IsClustered(type)) throw new ArgumentException($"{type} needs the rows; fit it with {nameof(OrdinaryLeastSquares)}", nameof(type));
        int k = names.Count;
        int m = groups.Length;
        if (k == 0) throw new ArgumentException("the design has no columns", nameof(names));
        if (regressors.Length != m * k) throw new ArgumentException($"{regressors.Length} regressor values for {m} groups of {k}", nameof(regressors));
        bool absorbed = !strata.IsEmpty;
        if (absorbed && strata.Length != m) throw new ArgumentException($"strata has {strata.Length} entries for {m} groups", nameof(strata));

        // The groups that occur, and the strata they fall in.
        var used = new List<int>(m);
        long n = 0;
        int strataCodes = 0;
        for (int g = 0; g < m; g++)
        {
            if (groups[g].Count == 0) continue;
            used.Add(g);
            n += groups[g].Count;
            if (absorbed) strataCodes = Math.Max(strataCodes, strata[g] + 1);
        }
        var stratumCount = new long[strataCodes];
        var stratumSum = new double[strataCodes];
        var stratumMeans = new double[strataCodes * k];
        int strataUsed = 0;
        if (absorbed)
        {
            foreach (int g in used) stratumCount[strata[g]] += groups[g].Count;
            foreach (long c in stratumCount) strataUsed += c > 0 ? 1 : 0;
        }
        int rank = k + strataUsed;
        if (n <= rank) throw new DegenerateDesignException(names[^1], $"{n} observations cannot estimate {rank} parameters with residual degrees of freedom left");

        // Stratum means of y and of each regressor, weighted by n_g, with a second pass of deviations to refine them.
        double[] yMean = new double[strataCodes];
        if (absorbed)
        {
            foreach (int g in used)
            {
                int s = strata[g];
                stratumSum[s] += groups[g].Count * groups[g].MeanY;
                for (int j = 0; j < k; j++) stratumMeans[s * k + j] += groups[g].Count * regressors[g * k + j];
            }
            for (int s = 0; s < strataCodes; s++)
            {
                if (stratumCount[s] == 0) continue;
                yMean[s] = stratumSum[s] / stratumCount[s];
                for (int j = 0; j < k; j++) stratumMeans[s * k + j] /= stratumCount[s];
            }
            var correction = new double[strataCodes * (k + 1)];
            foreach (int g in used)
            {
                int s = strata[g];
                correction[s * (k + 1)] += groups[g].Count * (groups[g].MeanY - yMean[s]);
                for (int j = 0; j < k; j++) correction[s * (k + 1) + 1 + j] += groups[g].Count * (regressors[g * k + j] - stratumMeans[s * k + j]);
            }
            for (int s = 0; s < strataCodes; s++)
            {
                if (stratumCount[s] == 0) continue;
                yMean[s] += correction[s * (k + 1)] / stratumCount[s];
                for (int j = 0; j < k; j++) stratumMeans[s * k + j] += correction[s * (k + 1) + 1 + j] / stratumCount[s];
            }
        }

        // The weighted (demeaned) design, √n_g·z̃_g, padded with zero rows to at least k rows for the factorisation.
        int rows = Math.Max(used.Count, k);
        var within = new double[k][];
        var norms = new double[k];
        var yWeighted = new double[rows];
        for (int j = 0; j < k; j++)
        {
            within[j] = new double[rows];
            double raw = 0;
            for (int row = 0; row < used.Count; row++)
            {
                int g = used[row];
                double weight = Math.Sqrt(groups[g].Count);
                double value = regressors[g * k + j];
                raw += groups[g].Count * value * value;
                within[j][row] = weight * (absorbed ? value - stratumMeans[strata[g] * k + j] : value);
            }
            norms[j] = Kernels.Norm(within[j]);
            if (!absorbed && norms[j] == 0) throw new DegenerateDesignException(names[j], $"column '{names[j]}' is all zeros");
            if (absorbed && !(norms[j] > OrdinaryLeastSquares.RankTolerance * Math.Sqrt(raw)))
                throw new DegenerateDesignException(names[j], $"column '{names[j]}' has no variation within strata of '{strataName}'");
        }
        for (int row = 0; row < used.Count; row++)
        {
            int g = used[row];
            yWeighted[row] = Math.Sqrt(groups[g].Count) * (absorbed ? groups[g].MeanY - yMean[strata[g]] : groups[g].MeanY);
        }

        var work = new double[k][];
        for (int j = 0; j < k; j++) work[j] = (double[])within[j].Clone();
        HouseholderQr qr = HouseholderQr.Factor(work, norms, OrdinaryLeastSquares.RankTolerance, out int dependent)
            ?? throw Collinear(names, dependent, absorbed ? strataName : null);
        double[] projected = (double[])yWeighted.Clone();
        qr.ApplyQTransposed(projected);
        double[] r = qr.UpperTriangle();
        var beta = new double[k];
        Triangular.SolveUpper(r, k, projected.AsSpan(0, k), beta);

        // Residual sum of squares per group, and the meat in R's orthonormal basis.
        var residualSquares = new double[used.Count];
        double rss = 0;
        for (int row = 0; row < used.Count; row++)
        {
            int g = used[row];
            double fitted = 0;
            for (int j = 0; j < k; j++) fitted += within[j][row] * beta[j];
            double gap = yWeighted[row] - fitted; // √n_g·(ȳ_g − ŷ_g)
            residualSquares[row] = groups[g].SquaresY + gap * gap;
            rss += residualSquares[row];
        }
        double df = n - rank;
        double[] rInverse = Triangular.InvertUpper(r, k);
        double[] meat = type == CovarianceType.Classical
            ? ClassicalMeat(k, rss / df)
            : RobustMeat(within, groups, used, residualSquares, r, type, absorbed ? stratumCount : null, strata, n, rank, order);
        double[] covariance = Triangular.Sandwich(rInverse, meat, k);

        double tss = TotalSumOfSquares(groups, used, centred: absorbed || HasConstantColumn(regressors, k, used));
        return new OlsResult([.. names], beta, covariance, type, checked((int)n), rank, rss, 1 - rss / tss);
    }

    private static double[] RobustMeat(
        double[][] within, ReadOnlySpan<ArmMoments> groups, List<int> used, double[] residualSquares, double[] r,
        CovarianceType type, long[]? stratumCount, ReadOnlySpan<int> strata, long n, int rank, ReadOnlySpan<int> order)
    {
        int k = within.Length;
        var meat = new double[k * k];
        Span<double> z = stackalloc double[k];
        Span<double> u = stackalloc double[k];
        int worst = -1;
        for (int row = 0; row < used.Count; row++)
        {
            int g = used[row];
            double weight = Math.Sqrt(groups[g].Count);
            for (int j = 0; j < k; j++) z[j] = within[j][row] / weight;
            Triangular.SolveUpperTransposed(r, k, z, u);
            double omega = residualSquares[row];
            if (type is CovarianceType.HC2 or CovarianceType.HC3)
            {
                double leverage = 0;
                for (int j = 0; j < k; j++) leverage += u[j] * u[j];
                if (stratumCount is not null) leverage += 1.0 / stratumCount[strata[g]];
                double complement = 1 - leverage;
                if (!(complement > 1e-12))
                {
                    if (worst < 0 || Rank(order, g) < Rank(order, worst)) worst = g;
                    continue;
                }
                omega = type == CovarianceType.HC2 ? omega / complement : omega / (complement * complement);
            }
            for (int a = 0; a < k; a++)
            {
                double scaled = omega * u[a];
                for (int b = a; b < k; b++) meat[a * k + b] += scaled * u[b];
            }
        }
        if (worst >= 0)
            throw new DegenerateDesignException($"group {worst}", $"the rows of group {worst} have leverage 1, so {type} is undefined") { Observation = worst };
        double factor = type == CovarianceType.HC1 ? (double)n / (n - rank) : 1.0;
        for (int a = 0; a < k; a++)
            for (int b = a; b < k; b++)
            {
                meat[a * k + b] *= factor;
                meat[b * k + a] = meat[a * k + b];
            }
        return meat;
    }

    private static int Rank(ReadOnlySpan<int> order, int g) => order.IsEmpty ? g : order[g];

    private static double[] ClassicalMeat(int k, double sigmaSquared)
    {
        var meat = new double[k * k];
        for (int j = 0; j < k; j++) meat[j * k + j] = sigmaSquared;
        return meat;
    }

    /// <summary>Σ_i (y_i − ȳ)² = Σ_g SS_g + n_g(ȳ_g − ȳ)² when centred, else Σ_g SS_g + n_g ȳ_g².</summary>
    private static double TotalSumOfSquares(ReadOnlySpan<ArmMoments> groups, List<int> used, bool centred)
    {
        double mean = 0;
        long n = 0;
        if (centred)
        {
            foreach (int g in used)
            {
                n += groups[g].Count;
                mean += (groups[g].MeanY - mean) * groups[g].Count / n;
            }
        }
        double total = 0;
        foreach (int g in used)
        {
            double gap = groups[g].MeanY - mean;
            total += groups[g].SquaresY + groups[g].Count * gap * gap;
        }
        return total;
    }

    /// <summary>Whether some column is the same non-zero value in every group that occurs (the model has an intercept).</summary>
    private static bool HasConstantColumn(ReadOnlySpan<double> regressors, int k, List<int> used)
    {
        for (int j = 0; j < k; j++)
        {
            double first = regressors[used[0] * k + j];
            if (first == 0) continue;
            bool constant = true;
            foreach (int g in used) constant &= regressors[g * k + j] == first;
            if (constant) return true;
        }
        return false;
    }

    private static DegenerateDesignException Collinear(IReadOnlyList<string> names, int column, string? strataName)
    {
        string name = names[column];
        string earlier = string.Join(", ", names.Take(column).Select(x => $"'{x}'"));
        string absorbed = strataName is null ? "" : $" and the '{strataName}' fixed effects";
        string basis = column == 0 ? $"the '{strataName}' fixed effects" : $"the columns before it ({earlier}){absorbed}";
        return new DegenerateDesignException(name, $"column '{name}' is a linear combination of {basis}");
    }
}
