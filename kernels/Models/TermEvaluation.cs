using GpuInference.Kernels.Models.Atoms;
using GpuInference.Kernels.Sums;
using ILGPU;

namespace GpuInference.Kernels.Models;

/// <summary>
/// One unit's moving terms under one permutation, as both passes of <see cref="ModelKernels"/> evaluate them: the
/// friends' indicator bits counted (and their tie weights summed), each atom (by its kind's struct, from the model's
/// list type, <see cref="IAtomList"/>), each product, its fixed factor and its shift.
/// </summary>
internal static class TermEvaluation
{
    /// <summary>Unit <paramref name="unit"/>'s moving terms under permutation <paramref name="p"/>, into <paramref name="terms"/>.</summary>
    internal static void Evaluate<TAtoms>(ModelView model, int unit, int p, ulong zero, ArrayView<double> terms)
        where TAtoms : struct, IAtomList
    {
        ArrayView<int> counts = LocalMemory.Allocate<int>(ModelKernels.MaxIndicators);
        ArrayView<double> treated = LocalMemory.Allocate<double>(ModelKernels.MaxIndicators);
        ArrayView<double> atoms = LocalMemory.Allocate<double>(ModelKernels.MaxAtoms);
        int indicators = model.Indicators;
        for (int i = 0; i < indicators; i++)
        {
            counts[i] = 0;
            treated[i] = 0.0;
        }
        double weight = 0.0;
        long first = model.RowOffsets[unit], end = model.RowOffsets[unit + 1];
        for (long e = first; e < end; e++)
        {
            long at = (long)model.Neighbors[e] * indicators;
            double w = model.Weighted != 0 ? model.Weights[e] : 0.0;
            if (model.Weighted != 0) weight += w;
            for (int i = 0; i < indicators; i++)
            {
                if (((model.Words[at + i] >> p) & 1UL) == 0) continue;
                counts[i] = counts[i] + 1;
                if (model.Weighted != 0) treated[i] = treated[i] + w;
            }
        }
        int degree = (int)(end - first);
        default(TAtoms).Evaluate(model, 0, unit, p, counts, treated, degree, weight, atoms);
        int k = model.Terms;
        for (int t = 0; t < k; t++)
        {
            int from = model.TermStart[t], to = model.TermStart[t + 1];
            double value = atoms[model.TermAtoms[from]];
            for (int f = from + 1; f < to; f++) value = RoundedProduct.Of(value, atoms[model.TermAtoms[f]], zero);
            int factor = model.TermFixedFactor[t];
            if (factor >= 0) value = RoundedProduct.Of(value, model.FixedFactors[(long)factor * model.Units + unit], zero);
            terms[t] = value - model.Shift[model.UnitGroup[unit] * k + t];
        }
    }
}
