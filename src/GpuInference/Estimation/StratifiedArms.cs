using System.Numerics;

namespace GpuInference.Estimation;

/// <summary>Per-stratum moments of both arms, gathered in one pass: what post-stratification and the Wald ratio need.</summary>
internal sealed class StratifiedArms
{
    private StratifiedArms(ArmMoments[] treated, ArmMoments[] control)
    {
        Treated = treated;
        Control = control;
    }

    /// <summary>Moments of the treated units, indexed by stratum code (strata that do not occur stay empty).</summary>
    public ArmMoments[] Treated { get; }

    /// <summary>Moments of the control units, indexed by stratum code.</summary>
    public ArmMoments[] Control { get; }

    /// <summary>All units.</summary>
    public long Total { get; private init; }

    /// <summary>
    /// Gathers the moments of y (and of d, when given) by stratum and arm, and checks that every stratum that occurs
    /// has at least two units in each arm, without which its within-arm variances do not exist.
    /// </summary>
    public static StratifiedArms Gather<T>(ReadOnlySpan<double> y, ReadOnlySpan<bool> treated, ReadOnlySpan<double> d, ReadOnlySpan<T> strata)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (treated.Length != y.Length) throw new ArgumentException($"treatment has {treated.Length} rows, the outcome {y.Length}", nameof(treated));
        if (strata.Length != y.Length) throw new ArgumentException($"strata have {strata.Length} rows, the outcome {y.Length}", nameof(strata));
        int codes = 0;
        for (int i = 0; i < strata.Length; i++)
        {
            int code = int.CreateSaturating(strata[i]);
            if (code < 0) throw new ArgumentOutOfRangeException(nameof(strata), $"row {i} has a negative stratum code");
            codes = Math.Max(codes, code + 1);
        }
        var treatedMoments = new ArmMoments[codes];
        var controlMoments = new ArmMoments[codes];
        for (int i = 0; i < y.Length; i++)
        {
            int code = int.CreateTruncating(strata[i]);
            double dose = d.IsEmpty ? 0 : d[i];
            if (treated[i]) treatedMoments[code].Add(y[i], dose);
            else controlMoments[code].Add(y[i], dose);
        }
        return FromMoments(treatedMoments, controlMoments);
    }

    /// <summary>
    /// The arms from moments gathered elsewhere (one entry per stratum code in each array), with the same check that
    /// every stratum that occurs has at least two units in each arm.
    /// </summary>
    public static StratifiedArms FromMoments(ArmMoments[] treated, ArmMoments[] control)
    {
        if (treated.Length != control.Length) throw new ArgumentException($"{treated.Length} treated strata but {control.Length} control strata", nameof(control));
        long total = 0;
        for (int s = 0; s < treated.Length; s++)
        {
            long t = treated[s].Count, c = control[s].Count;
            if (t + c > 0 && (t < 2 || c < 2))
                throw new DegenerateDesignException(
                    $"stratum {s}", $"stratum {s} has {t} treated and {c} control units; each stratum needs at least two of each");
            total += t + c;
        }
        return new StratifiedArms(treated, control) { Total = total };
    }

    /// <summary>The number of strata that occur.</summary>
    public int StratumCount
    {
        get
        {
            int count = 0;
            for (int s = 0; s < Treated.Length; s++) count += Treated[s].Count + Control[s].Count > 0 ? 1 : 0;
            return count;
        }
    }

    /// <summary>Stratum s's share of all units, n_s / n.</summary>
    public double Share(int s) => (double)(Treated[s].Count + Control[s].Count) / Total;
}
