using GpuInference.Kernels.Exposures;
using ILGPU;

namespace GpuInference.Kernels.Models.Atoms;

/// <summary>
/// One kind of atom of a model's moving terms, as a struct type: the kernels take a model's atoms as a list of these
/// types (<see cref="IAtomList"/>), so each atom's kind is fixed when ILGPU compiles the kernel for the model, not
/// looked up while it runs.
/// </summary>
public interface IAtom
{
    /// <summary>
    /// Atom <paramref name="atom"/> of unit <paramref name="unit"/> under permutation <paramref name="p"/>, from the
    /// unit's friend counts (<paramref name="counts"/>, <paramref name="treated"/>: per indicator, the friends with
    /// its bit set and their tie weight), its <paramref name="degree"/> and its total tie <paramref name="weight"/>.
    /// </summary>
    double Value(ModelView model, int atom, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight);
}

/// <summary>An exposure without a parameter (count, share, any, wsum, wshare) of the atom's indicator, by the exposure's own struct.</summary>
public readonly struct ExposureAtom<TExposure> : IAtom
    where TExposure : struct, IExposure
{
    public double Value(ModelView model, int atom, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight)
    {
        int i = model.AtomIndicator[atom];
        return default(TExposure).Value(counts[i], degree, treated[i], weight);
    }
}

/// <summary><c>atleast(T, k)</c> of the atom's indicator, k from the model (the one exposure with a parameter).</summary>
public readonly struct AtLeastAtom : IAtom
{
    public double Value(ModelView model, int atom, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight)
    {
        int i = model.AtomIndicator[atom];
        return new AtLeastExposure(model.AtomParameter[atom]).Value(counts[i], degree, treated[i], weight);
    }
}

/// <summary>A unit's own value: that of the one level whose indicator the unit's own code sets, 0 if none.</summary>
public readonly struct OwnValueAtom : IAtom
{
    public double Value(ModelView model, int atom, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight)
    {
        double value = 0.0;
        for (int l = model.LevelStart[atom]; l < model.LevelStart[atom + 1]; l++)
        {
            if (((model.Words[(long)unit * model.Indicators + model.LevelIndicator[l]] >> p) & 1UL) != 0) value = model.LevelValue[l];
        }
        return value;
    }
}
