using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Calibration;

/// <summary>
/// When the outcome ignores treatment (the sharp null holds), the observed assignment is exchangeable with the
/// permuted ones, so permutation p-values over many simulated experiments are uniform. Kolmogorov–Smirnov against
/// U(0, 1) at fixed seeds (deterministic); the p-values' 1/(B+1) grid adds at most 0.01 to the KS distance.
/// </summary>
public class SharpNullUniformityTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void PValuesAreUniformUnderTheSharpNull(int regressor)
    {
        const int experiments = 300, permutations = 99;
        var pValues = new double[experiments];
        for (int e = 0; e < experiments; e++)
        {
            SpilloverProblem problem = TestProblems.Random(nodes: 120, units: 100, meanDegree: 3, seed: (ulong)(1000 + e));
            using var session = BackendSession.Open("cpu", [new CpuBackendProvider()], problem, new BackendOptions { Threads = 1 });
            PermutationResult result = new PermutationRunner(session).Run(seed: (ulong)e, permutations);
            double observed = result.Observed[regressor];
            double[] nulls = result.NullOf(regressor);
            pValues[e] = (1 + nulls.Count(v => Math.Abs(v) >= Math.Abs(observed))) / (1.0 + permutations);
        }

        Array.Sort(pValues);
        double distance = 0;
        for (int i = 0; i < experiments; i++)
        {
            distance = Math.Max(distance, Math.Max(Math.Abs((i + 1.0) / experiments - pValues[i]), Math.Abs(pValues[i] - (double)i / experiments)));
        }
        double ksP = KolmogorovPValue(distance, experiments);
        Assert.True(ksP > 0.001, $"KS distance {distance:F3}, p = {ksP:G3}");
    }

    /// <summary>Asymptotic Kolmogorov distribution: P(D_n ≥ d) ≈ 2 Σ (−1)^(k−1) exp(−2 k² n d²).</summary>
    private static double KolmogorovPValue(double d, int n)
    {
        double sum = 0;
        for (int k = 1; k <= 100; k++) sum += (k % 2 == 1 ? 1 : -1) * Math.Exp(-2.0 * k * k * n * d * d);
        return Math.Clamp(2 * sum, 0, 1);
    }
}
