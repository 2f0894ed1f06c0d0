using MathNet.Numerics.Distributions;

namespace GpuInference.Inference;

/// <summary>
/// A two-sided confidence interval for a binomial proportion, here the Monte Carlo error of a permutation p-value:
/// how far the exceedance probability that B permutations estimate could plausibly lie from what they saw.
/// </summary>
/// <param name="Low">Lower bound, in [0, 1].</param>
/// <param name="High">Upper bound, in [0, 1].</param>
/// <param name="Level">Nominal coverage, e.g. 0.95.</param>
public readonly record struct PValueInterval(double Low, double High, double Level)
{
    /// <summary>The interval when nothing was observed (no valid permutations): NaN bounds.</summary>
    public static PValueInterval Unknown(double level = 0.95) => new(double.NaN, double.NaN, level);

    /// <summary>
    /// The Clopper–Pearson ("exact") interval for <paramref name="successes"/> out of <paramref name="trials"/>:
    /// [Beta⁻¹(α/2; x, n − x + 1), Beta⁻¹(1 − α/2; x + 1, n − x)], with the bound pinned to 0 when x = 0 and to 1
    /// when x = n. It is conservative (coverage at least the level for every true proportion), which is what a
    /// statement about the reliability of a reported p-value should be. Matches R's <c>binom.test(x, n)$conf.int</c>.
    /// </summary>
    public static PValueInterval ClopperPearson(long successes, long trials, double level = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "level must lie in (0, 1).");
        if (trials == 0) return Unknown(level);

        double alpha = 1 - level;
        double x = successes;
        double n = trials;
        double low = successes == 0 ? 0.0 : Beta.InvCDF(x, n - x + 1, alpha / 2);
        double high = successes == trials ? 1.0 : Beta.InvCDF(x + 1, n - x, 1 - alpha / 2);
        return new PValueInterval(low, high, level);
    }
}
