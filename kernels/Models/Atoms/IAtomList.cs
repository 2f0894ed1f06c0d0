using ILGPU;

namespace GpuInference.Kernels.Models.Atoms;

/// <summary>
/// A model's atoms as one type: <c>AtomList&lt;A0, AtomList&lt;A1, … EndOfAtoms&gt;&gt;</c>, atom a of kind A_a. The
/// kernels are generic in it, so ILGPU compiles one kernel per model in which every atom's exposure is inlined (as
/// ILGPU.Algorithms takes its reductions' operations as struct types), with no switch over kinds left to run.
/// <see cref="AtomTypes"/> builds the type from a model's kinds.
/// </summary>
public interface IAtomList
{
    /// <summary>Evaluates atoms <paramref name="first"/> onwards into <paramref name="atoms"/> (see <see cref="IAtom.Value"/>).</summary>
    void Evaluate(
        ModelView model, int first, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight, ArrayView<double> atoms);
}

/// <summary>Atom <c>first</c> of kind <typeparamref name="TAtom"/>, then the atoms of <typeparamref name="TRest"/>.</summary>
public readonly struct AtomList<TAtom, TRest> : IAtomList
    where TAtom : struct, IAtom
    where TRest : struct, IAtomList
{
    public void Evaluate(
        ModelView model, int first, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight, ArrayView<double> atoms)
    {
        atoms[first] = default(TAtom).Value(model, first, unit, p, counts, treated, degree, weight);
        default(TRest).Evaluate(model, first + 1, unit, p, counts, treated, degree, weight, atoms);
    }
}

/// <summary>The end of a list of atoms.</summary>
public readonly struct EndOfAtoms : IAtomList
{
    public void Evaluate(
        ModelView model, int first, int unit, int p, ArrayView<int> counts, ArrayView<double> treated, int degree, double weight, ArrayView<double> atoms)
    {
    }
}
