using System.Diagnostics.CodeAnalysis;
using GpuInference.Kernels.Exposures;

namespace GpuInference.Kernels.Models.Atoms;

/// <summary>The struct type of each atom kind, and a model's list of atoms as one type (the kernels' type argument).</summary>
public static class AtomTypes
{
    /// <summary>The kind code of a unit's own value (<c>ModelProblem.OwnValueAtom</c>).</summary>
    public const int OwnValue = -1;

    /// <summary>The atom type of kind <paramref name="kind"/>: an exposure code of <see cref="ExposureCodes"/> or <see cref="OwnValue"/>.</summary>
    public static Type Of(int kind) => kind switch
    {
        OwnValue => typeof(OwnValueAtom),
        ExposureCodes.Count => typeof(ExposureAtom<CountExposure>),
        ExposureCodes.Share => typeof(ExposureAtom<ShareExposure>),
        ExposureCodes.Any => typeof(ExposureAtom<AnyExposure>),
        ExposureCodes.AtLeast => typeof(AtLeastAtom),
        ExposureCodes.WeightedSum => typeof(ExposureAtom<WeightedSumExposure>),
        ExposureCodes.WeightedShare => typeof(ExposureAtom<WeightedShareExposure>),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an atom kind"),
    };

    /// <summary>The list type of atoms of kinds <paramref name="kinds"/>, in order.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2076", Justification = "Every atom type is named in Of, and a trimmed publish keeps this assembly whole (IsTrimmable false).")]
    public static Type ListOf(IReadOnlyList<int> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        Type list = typeof(EndOfAtoms);
        for (int a = kinds.Count - 1; a >= 0; a--) list = typeof(AtomList<,>).MakeGenericType(Of(kinds[a]), list);
        return list;
    }

    /// <summary>Every kind once: the list the kernel catalog compiles for every target, so each kind's code is checked.</summary>
    public static IReadOnlyList<int> EveryKind { get; } =
    [
        ExposureCodes.Count, ExposureCodes.Share, ExposureCodes.Any, ExposureCodes.AtLeast,
        ExposureCodes.WeightedSum, ExposureCodes.WeightedShare, OwnValue,
    ];
}
