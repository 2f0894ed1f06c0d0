using MathNet.Numerics.LinearAlgebra;

namespace GpuInference.Estimation;

/// <summary>
/// The cluster-robust meats (CR0, CR1, CR2) in R's orthonormal basis, and each coefficient's degrees of freedom.
/// <para>
/// With u_i = R⁻ᵀx_i (row i of the thin Q of the demeaned design) and e the residuals, CR0's meat is
/// Σ_g (U_gᵀe_g)(U_gᵀe_g)ᵀ. CR2 replaces e_g by A_g e_g with A_g = (I − H_gg)^(−1/2), H_gg the cluster's block of the
/// full model's hat matrix. With absorbed fixed effects that block is U_gU_gᵀ + Σ_f 1_gf 1_gfᵀ / n_f (the demeaned
/// design is orthogonal to the group dummies, so the projections add), which is what estimatr gets from the design
/// with its dummies. H_gg = W_gW_gᵀ with W_g = [U_g, 1_gf/√n_f …] (one column per group f the cluster touches), so
/// with S_g = W_gᵀW_g and φ(λ) = (1 − λ)^(−1/2): A_gW_g = W_gφ(S_g). Every quantity CR2 needs is then a function of
/// the small matrix S_g, never of the n_g × n_g block, which is why clusters of any size cost O(n_g k²).
/// As in estimatr, eigenvalues of I − H_gg at or below 1e-12 get φ = 0 (a pseudo-inverse): they occur when fixed
/// effects nest in a cluster, and the residuals have no component along them.
/// </para>
/// <para>
/// Degrees of freedom for CR2 are Bell–McCaffrey's, as estimatr (after clubSandwich) computes them for a working
/// model with independent errors: for coefficient j, with ρ the j-th row of R⁻¹ (so that β_j = ρᵀQᵀy),
/// p_g = ‖A_gU_gρ‖², v_g = [U_g, E]ᵀA_gU_gρ over the full basis (E the normalised dummies of all groups), and
/// P = diag(p) − VᵀV: df = tr(P)² / ‖P‖²_F. The G × G matrix P is never formed: ‖VᵀV‖_F = ‖VVᵀ‖_F, a sum over the
/// few coordinates each cluster touches.
/// </para>
/// </summary>
internal static class ClusterRobust
{
    /// <summary>estimatr's cut for the eigenvalues of I − H_gg below which A_g treats them as zero.</summary>
    public const double EigenvalueFloor = 1e-12;

    /// <summary>
    /// The meat (k×k, symmetric, in R's basis), each coefficient's t degrees of freedom, and for CR1 the K of its
    /// small-sample factor.
    /// </summary>
    public static (double[] Meat, double[] DegreesOfFreedom, int? ParameterCount) Compute(
        double[][] within, double[] residuals, double[] r, double[] rInverse, CovarianceType type, Clusters clusters,
        FixedEffects? fixedEffects, SmallSampleCorrection smallSample)
    {
        int k = within.Length;
        int n = residuals.Length;
        int g = clusters.Count;
        if (g < 2)
            throw new DegenerateDesignException(clusters.Name, $"'{clusters.Name}' has {g} cluster; cluster-robust standard errors need at least 2");

        var meat = new double[k * k];
        double[] degrees;
        if (type == CovarianceType.CR2)
        {
            degrees = BellMcCaffrey(within, residuals, r, rInverse, clusters, fixedEffects, meat);
        }
        else
        {
            SumScores(within, residuals, r, clusters, meat);
            degrees = new double[k];
            Array.Fill(degrees, g - 1.0);
        }

        double factor = 1;
        int? parameters = null;
        if (type == CovarianceType.CR1)
        {
            int groups = fixedEffects?.GroupCount ?? 0;
            bool nested = fixedEffects is not null && clusters.Nests(fixedEffects);
            parameters = smallSample.ParameterCount(k, groups, nested);
            if (smallSample.Adj && n <= parameters)
                throw new DegenerateDesignException(clusters.Name, $"{n} observations leave no degrees of freedom for {parameters} parameters");
            factor = smallSample.Factor(n, parameters.Value, g);
        }
        for (int a = 0; a < k; a++)
            for (int b = a; b < k; b++)
            {
                meat[a * k + b] *= factor;
                meat[b * k + a] = meat[a * k + b];
            }
        return (meat, degrees, parameters);
    }

    /// <summary>Σ_g s_gs_gᵀ (upper triangle) with s_g = U_gᵀe_g, the cluster's summed scores.</summary>
    private static void SumScores(double[][] within, double[] residuals, double[] r, Clusters clusters, double[] meat)
    {
        int k = within.Length;
        var scores = new double[clusters.Count * k];
        Span<double> row = stackalloc double[k];
        Span<double> u = stackalloc double[k];
        for (int i = 0; i < residuals.Length; i++)
        {
            for (int j = 0; j < k; j++) row[j] = within[j][i];
            Triangular.SolveUpperTransposed(r, k, row, u);
            int offset = clusters.ClusterOf(i) * k;
            for (int j = 0; j < k; j++) scores[offset + j] += u[j] * residuals[i];
        }
        for (int c = 0; c < clusters.Count; c++)
        {
            ReadOnlySpan<double> s = scores.AsSpan(c * k, k);
            for (int a = 0; a < k; a++)
                for (int b = a; b < k; b++) meat[a * k + b] += s[a] * s[b];
        }
    }

    /// <summary>
    /// One cluster's blocks that the degrees of freedom need: B = (S φ(S) … )'s first k columns, (k + m) × k, and
    /// C = the top-left k × k block of S φ(S)², where m counts the fixed-effect groups the cluster touches.
    /// </summary>
    private sealed record ClusterBlocks(int[] Groups, double[] B, double[] C);

    /// <summary>Adds the CR2 meat (upper triangle) and returns Bell–McCaffrey degrees of freedom per coefficient.</summary>
    private static double[] BellMcCaffrey(
        double[][] within, double[] residuals, double[] r, double[] rInverse, Clusters clusters, FixedEffects? fixedEffects,
        double[] meat)
    {
        int k = within.Length;
        int[][] rowsByCluster = clusters.RowsByCluster();
        var blocks = new ClusterBlocks[rowsByCluster.Length];
        int groupCodes = 0;
        if (fixedEffects is not null)
            for (int i = 0; i < fixedEffects.Rows; i++) groupCodes = Math.Max(groupCodes, fixedEffects.GroupOf(i) + 1);
        var local = new int[groupCodes];
        Array.Fill(local, -1);
        Span<double> row = stackalloc double[k];
        var u = new double[k];

        for (int c = 0; c < rowsByCluster.Length; c++)
        {
            int[] rows = rowsByCluster[c];
            // The fixed-effect groups this cluster touches, in order of first appearance.
            var groups = new List<int>();
            if (fixedEffects is not null)
                foreach (int i in rows)
                {
                    int f = fixedEffects.GroupOf(i);
                    if (local[f] < 0) { local[f] = groups.Count; groups.Add(f); }
                }
            int m = groups.Count;
            int w = k + m;
            var s = new double[w, w];
            var we = new double[w];
            foreach (int i in rows)
            {
                for (int j = 0; j < k; j++) row[j] = within[j][i];
                Triangular.SolveUpperTransposed(r, k, row, u);
                double e = residuals[i];
                for (int a = 0; a < k; a++)
                {
                    we[a] += u[a] * e;
                    for (int b = a; b < k; b++) s[a, b] += u[a] * u[b];
                }
                if (fixedEffects is not null)
                {
                    int f = fixedEffects.GroupOf(i);
                    int column = k + local[f];
                    double scale = 1 / Math.Sqrt(fixedEffects.SizeOf(f));
                    we[column] += e * scale;
                    for (int a = 0; a < k; a++) s[a, column] += u[a] * scale;
                    s[column, column] += scale * scale;
                }
            }
            foreach (int f in groups) local[f] = -1;
            for (int a = 0; a < w; a++)
                for (int b = 0; b < a; b++) s[a, b] = s[b, a];

            var evd = Matrix<double>.Build.DenseOfArray(s).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
            Matrix<double> v = evd.EigenVectors;
            var lambda = new double[w];
            var phi = new double[w];
            for (int t = 0; t < w; t++)
            {
                lambda[t] = evd.EigenValues[t].Real;
                double complement = 1 - lambda[t];
                phi[t] = complement > EigenvalueFloor ? 1 / Math.Sqrt(complement) : 0;
            }

            // The adjusted scores: first k entries of φ(S) Wᵀe = V φ(Λ) Vᵀ Wᵀe.
            var projected = new double[w];
            for (int t = 0; t < w; t++)
            {
                double sum = 0;
                for (int a = 0; a < w; a++) sum += v[a, t] * we[a];
                projected[t] = phi[t] * sum;
            }
            var adjusted = new double[k];
            for (int a = 0; a < k; a++)
            {
                double sum = 0;
                for (int t = 0; t < w; t++) sum += v[a, t] * projected[t];
                adjusted[a] = sum;
            }
            for (int a = 0; a < k; a++)
                for (int b = a; b < k; b++) meat[a * k + b] += adjusted[a] * adjusted[b];

            // B = S φ(S) [I_k; 0] and C = [I_k 0] S φ(S)² [I_k; 0].
            var bBlock = new double[w * k];
            var cBlock = new double[k * k];
            for (int a = 0; a < w; a++)
                for (int b = 0; b < k; b++)
                {
                    double sum = 0;
                    for (int t = 0; t < w; t++) sum += v[a, t] * lambda[t] * phi[t] * v[b, t];
                    bBlock[a * k + b] = sum;
                }
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                {
                    double sum = 0;
                    for (int t = 0; t < w; t++) sum += v[a, t] * lambda[t] * phi[t] * phi[t] * v[b, t];
                    cBlock[a * k + b] = sum;
                }
            blocks[c] = new ClusterBlocks([.. groups], bBlock, cBlock);
        }

        var degrees = new double[k];
        for (int j = 0; j < k; j++) degrees[j] = Satterthwaite(blocks, rInverse.AsSpan(j * k, k), k, groupCodes);
        return degrees;
    }

    /// <summary>tr(P)² / ‖P‖²_F for P = diag(p) − VᵀV, from each cluster's p_g and v_g, without forming P.</summary>
    private static double Satterthwaite(ClusterBlocks[] blocks, ReadOnlySpan<double> rho, int k, int groupCodes)
    {
        double trace = 0;
        double diagonal = 0;
        double cross = 0;
        // VVᵀ, by blocks of coordinates: coefficients × coefficients, coefficients × groups, groups × groups.
        var xx = new double[k * k];
        var xf = new double[k * Math.Max(groupCodes, 0)];
        var ff = new Dictionary<(int, int), double>();
        foreach (ClusterBlocks block in blocks)
        {
            int w = block.B.Length / k;
            var vg = new double[w];
            for (int a = 0; a < w; a++)
            {
                double sum = 0;
                for (int b = 0; b < k; b++) sum += block.B[a * k + b] * rho[b];
                vg[a] = sum;
            }
            double p = 0;
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) p += rho[a] * block.C[a * k + b] * rho[b];
            double norm = 0;
            for (int a = 0; a < w; a++) norm += vg[a] * vg[a];
            trace += p - norm;
            diagonal += p * p;
            cross += p * norm;
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b < k; b++) xx[a * k + b] += vg[a] * vg[b];
                for (int t = 0; t < block.Groups.Length; t++) xf[a * groupCodes + block.Groups[t]] += vg[a] * vg[k + t];
            }
            for (int t = 0; t < block.Groups.Length; t++)
                for (int q = 0; q < block.Groups.Length; q++)
                {
                    var key = (block.Groups[t], block.Groups[q]);
                    ff[key] = ff.GetValueOrDefault(key) + vg[k + t] * vg[k + q];
                }
        }
        double gram = 0;
        foreach (double value in xx) gram += value * value;
        foreach (double value in xf) gram += 2 * value * value;
        foreach (double value in ff.Values) gram += value * value;
        double frobenius = diagonal - 2 * cross + gram;
        return trace * trace / frobenius;
    }
}
