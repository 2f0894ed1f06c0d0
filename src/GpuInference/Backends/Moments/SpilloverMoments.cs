using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>
/// The sufficient statistics of one permutation's spillover regression, and the small solve that turns them into
/// coefficients. This is the host contract every backend meets: the solve kernel in kernels/spillover.cl performs the same operations in
/// the same order (no fused multiply-add), so the CPU and the devices agree bit for bit.
/// <para>
/// Per chunk and permutation a backend accumulates 18 numbers over the chunk's units, in unit order:
/// S = Σx (4 integers), Q = Σ x xᵀ (10 integers, upper triangle row by row), P = Σ x y (4 doubles; exact integers
/// when the outcome is). The chunks of a stratum, in order, sum to that stratum's S, Q and P; the strata, in order,
/// give Q and P.
/// Within-stratum demeaning (the strata fixed effects, by Frisch–Waugh–Lovell) is then
/// A = Q − Σ_s S_s S_sᵀ / n_s and c = P − Σ_s S_s Y_s / n_s, and β solves A β = c by Cholesky.
/// </para>
/// </summary>
public static class SpilloverMoments
{
    /// <summary>Integer slots per chunk and permutation: S (4) then Q (10).</summary>
    public const int IntegerSlots = 14;

    /// <summary>Floating slots per chunk and permutation: P (4).</summary>
    public const int RealSlots = 4;

    /// <summary>Offset of Q among the integer slots.</summary>
    public const int QOffset = 4;

    /// <summary>Upper-triangle index of (a, b), a ≤ b, in row order: (0,0) (0,1) (0,2) (0,3) (1,1) ... (3,3).</summary>
    public static int Triangle(int a, int b) => a * SpilloverProblem.Regressors - a * (a - 1) / 2 + (b - a);

    /// <summary>
    /// Solves one permutation from its combined statistics: q (10 integers), p (4 doubles, summed over chunks in
    /// chunk order) and the per-stratum sums (stratum-major, 4 integers each). Writes NaN when the demeaned design
    /// is singular (a regressor with no variation within strata).
    /// </summary>
    public static void Solve(
        ReadOnlySpan<long> q, ReadOnlySpan<double> p, ReadOnlySpan<long> stratumSums, SpilloverProblem problem, Span<double> beta)
    {
        const int k = SpilloverProblem.Regressors;
        Span<double> correction = stackalloc double[10];
        Span<double> outcomeCorrection = stackalloc double[k];
        correction.Clear();
        outcomeCorrection.Clear();
        for (int s = 0; s < problem.StratumCount; s++)
        {
            double n = problem.StratumSize(s);
            double outcomeSum = problem.StratumOutcomeSum[s];
            ReadOnlySpan<long> sums = stratumSums.Slice(s * k, k);
            for (int a = 0; a < k; a++)
            {
                for (int b = a; b < k; b++)
                {
                    // The product is exact in 64 bits (each sum is at most the edge count); only the division rounds.
                    correction[Triangle(a, b)] += (double)(sums[a] * sums[b]) / n;
                }
                outcomeCorrection[a] += (double)sums[a] * outcomeSum / n;
            }
        }

        Span<double> matrix = stackalloc double[10];
        Span<double> rhs = stackalloc double[k];
        for (int t = 0; t < 10; t++) matrix[t] = (double)q[t] - correction[t];
        for (int a = 0; a < k; a++) rhs[a] = p[a] - outcomeCorrection[a];
        CholeskySolve4(matrix, rhs, beta);
    }

    /// <summary>
    /// Solves the 4×4 symmetric positive-definite system held as its upper triangle. A pivot that falls below
    /// 1e-10 of its diagonal marks a regressor that is (numerically) a combination of the others: NaN is written.
    /// </summary>
    public static void CholeskySolve4(ReadOnlySpan<double> upper, ReadOnlySpan<double> rhs, Span<double> solution)
    {
        const int k = SpilloverProblem.Regressors;
        Span<double> l = stackalloc double[k * k];
        l.Clear();
        for (int j = 0; j < k; j++)
        {
            double diagonal = upper[Triangle(j, j)];
            double pivot = diagonal;
            for (int m = 0; m < j; m++) pivot -= l[j * k + m] * l[j * k + m];
            if (!(pivot > 1e-10 * diagonal) || !(diagonal > 0))
            {
                solution.Fill(double.NaN);
                return;
            }
            double root = Math.Sqrt(pivot);
            l[j * k + j] = root;
            for (int i = j + 1; i < k; i++)
            {
                double value = upper[Triangle(j, i)];
                for (int m = 0; m < j; m++) value -= l[i * k + m] * l[j * k + m];
                l[i * k + j] = value / root;
            }
        }
        Span<double> forward = stackalloc double[k];
        for (int i = 0; i < k; i++)
        {
            double value = rhs[i];
            for (int m = 0; m < i; m++) value -= l[i * k + m] * forward[m];
            forward[i] = value / l[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--)
        {
            double value = forward[i];
            for (int m = i + 1; m < k; m++) value -= l[m * k + i] * solution[m];
            solution[i] = value / l[i * k + i];
        }
    }
}
