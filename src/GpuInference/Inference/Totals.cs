namespace GpuInference.Inference;

/// <summary>
/// The paper's back-of-the-envelope arithmetic that turns per-person effects into people mobilised
/// (Jones et al. 2017, following Bond et al. 2012). Only matched users have a measured outcome, and the matched
/// states hold a fraction of all registered voters, so counts are scaled up by dividing by that fraction; users
/// whose records could not be matched are assumed to have an effect of zero there, as in the paper.
/// <list type="bullet">
/// <item>direct total = ATE × treated matched / match fraction (0.0024 × 14.5M / 0.40 ≈ 87,000: "about 90,000");</item>
/// <item>indirect total = per-friend effect × mean close friends × treated matched / match fraction
/// (0.001 × 5 × 14.5M / 0.40 ≈ 181,000: "180,000");</item>
/// <item>multiplier = mean close friends × per-friend effect / ATE (5 × 0.001 / 0.0024 ≈ 2.1: "about 2").</item>
/// </list>
/// </summary>
/// <param name="AverageTreatmentEffect">Direct effect per treated person, in outcome units (0.0024, not 0.24%).</param>
/// <param name="PerFriendEffect">Spillover effect per treated close friend, in outcome units.</param>
/// <param name="MeanCloseFriends">Average number of close friends per person.</param>
/// <param name="TreatedMatched">Treated people matched to the voter records.</param>
/// <param name="MatchFraction">Fraction of all registered voters available for matching (0.40 in the paper).</param>
public sealed record Totals(
    double AverageTreatmentEffect, double PerFriendEffect, double MeanCloseFriends, double TreatedMatched, double MatchFraction)
{
    /// <summary>People directly mobilised: ATE × treated matched / match fraction.</summary>
    public double Direct => AverageTreatmentEffect * TreatedMatched / MatchFraction;

    /// <summary>Close friends indirectly mobilised: per-friend effect × mean close friends × treated matched / match fraction.</summary>
    public double Indirect => PerFriendEffect * MeanCloseFriends * TreatedMatched / MatchFraction;

    /// <summary>Direct plus indirect.</summary>
    public double Total => Direct + Indirect;

    /// <summary>Friends mobilised per person directly mobilised: mean close friends × per-friend effect / ATE.</summary>
    public double Multiplier => MeanCloseFriends * PerFriendEffect / AverageTreatmentEffect;

    /// <summary>Share of the total that is indirect (the paper's "about 67%").</summary>
    public double IndirectShare => Indirect / Total;
}
