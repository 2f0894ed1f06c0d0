using GpuInference.Kernels.Models.Atoms;
using GpuInference.Kernels.Sums;
using ILGPU;

namespace GpuInference.Kernels.Models;

/// <summary>
/// The general model's two passes on a device. One work-group of <see cref="KernelLimits.MaxBatch"/> work-items per
/// chunk; work-item p walks the chunk's units in order under permutation p and adds into the chunk's partials
/// ([chunk][slot][p]: neighbouring work-items write neighbouring addresses). The arithmetic is the host's
/// (<c>Backends.Models.UnitTerms</c> and <c>CpuModelBackend</c>) step for step: each unit's terms, then each sum in
/// unit order, every product rounded on its own (<see cref="RoundedProduct"/>: no assembler may fuse it), so the partials have
/// the host's bits. Both are generic in the model's atoms (<see cref="IAtomList"/>): ILGPU compiles them once per model, each atom's
/// exposure inlined from its struct.
/// </summary>
public static class ModelKernels
{
    private const int W = KernelLimits.MaxBatch;

    /// <summary>Registers per work-item: the limits the host checks before it lays a model out.</summary>
    public const int MaxIndicators = 8;

    public const int MaxAtoms = 16;

    public const int MaxTerms = 12;

    /// <summary>
    /// First pass: S = Σ t, M = Σ t tᵀ (lower triangle), R = Σ t ỹ, C = Σ q tᵀ per chunk and permutation (R and C
    /// only for the terms the host does not sum from the changed nodes, <c>ModelView.HostSummed</c>, and of 1 − t for
    /// the complemented ones, <c>ModelView.Complemented</c>); slots in
    /// that order, as the host's <c>ModelSlots</c> numbers them. A chunk of whole groups (chunk group −1) writes each
    /// group's S into <paramref name="groupSums"/> ([group][term][p]) when the group ends, not into its S slots.
    /// </summary>
    internal static void Moments<TAtoms>(ModelView model, int count, ulong zero, ArrayView<double> partials, ArrayView<double> groupSums)
        where TAtoms : struct, IAtomList
    {
        int chunk = Grid.IdxX;
        int p = Group.IdxX;
        if (p >= count) return;
        int k = model.Terms;
        int pairs = k * (k + 1) / 2;
        int slots = k + pairs + k + model.BasisCount * k;
        long origin = Cleared(partials, chunk, p, slots);
        bool wholeGroups = model.ChunkGroup[chunk] < 0;
        ArrayView<double> terms = LocalMemory.Allocate<double>(MaxTerms);
        ArrayView<double> running = LocalMemory.Allocate<double>(MaxTerms);
        for (int a = 0; a < k; a++) running[a] = 0.0;
        int end = model.ChunkStart[chunk + 1];
        for (int unit = model.ChunkStart[chunk]; unit < end; unit++)
        {
            TermEvaluation.Evaluate<TAtoms>(model, unit, p, zero, terms);
            double y = model.Outcome[unit];
            for (int a = 0; a < k; a++)
            {
                double ta = terms[a];
                if (wholeGroups)
                {
                    running[a] = running[a] + ta;
                }
                else
                {
                    long sum = origin + (long)a * W;
                    partials[sum] = partials[sum] + ta;
                }
                for (int b = 0; b <= a; b++)
                {
                    long cross = origin + (long)(k + a * (a + 1) / 2 + b) * W;
                    partials[cross] = partials[cross] + RoundedProduct.Of(ta, terms[b], zero);
                }
                if (model.HostSummed[a] != 0) continue; // the fit takes this term's Σ m ỹ and Σ q mᵀ from the host
                // A complemented 0/1 term's R and C sum 1 − t (exact), which the fit takes back out.
                double tr = model.Complemented[a] != 0 ? 1.0 - ta : ta;
                long response = origin + (long)(k + pairs + a) * W;
                partials[response] = partials[response] + RoundedProduct.Of(tr, y, zero);
                for (int j = 0; j < model.BasisCount; j++)
                {
                    long projection = origin + (long)(k + pairs + k + j * k + a) * W;
                    partials[projection] = partials[projection] + RoundedProduct.Of(tr, model.Basis[(long)j * model.Units + unit], zero);
                }
            }
            if (wholeGroups && Runs.EndsAt(model.UnitGroup, unit, end)) Runs.Flush(running, groupSums, model.UnitGroup[unit], k, p);
        }
    }

    /// <summary>
    /// Second pass: each unit's residualised terms z = t − mean_g − Σ_j q_j C_j and residual e = ỹ − zᵀβ under
    /// permutation p's fit (<paramref name="parameters"/>: β, A⁻¹'s lower triangle with the off-diagonals doubled, C,
    /// group means, each [parameter][p]); then per
    /// chunk Σ w z zᵀ (lower triangle) with w = e², e²/(1 − h) or e²/(1 − h)² (<paramref name="weighting"/> 0, 2, 3),
    /// or the score Σ e z (weighting 4), which a chunk of whole clusters (chunk cluster −1) writes per cluster into
    /// <paramref name="clusterScores"/> ([cluster][term][p]) when the cluster ends.
    /// </summary>
    internal static void Residuals<TAtoms>(
        ModelView model, int count, ulong zero, int weighting, ArrayView<double> parameters, ArrayView<double> partials, ArrayView<double> clusterScores)
        where TAtoms : struct, IAtomList
    {
        int chunk = Grid.IdxX;
        int p = Group.IdxX;
        if (p >= count) return;
        int k = model.Terms;
        bool clustered = weighting == 4;
        int slots = clustered ? k : k * (k + 1) / 2;
        long origin = Cleared(partials, chunk, p, slots);
        int inverse = k, projection = k + k * k, means = projection + model.BasisCount * k;
        bool wholeClusters = clustered && model.ChunkCluster[chunk] < 0;
        ArrayView<double> terms = LocalMemory.Allocate<double>(MaxTerms);
        ArrayView<double> running = LocalMemory.Allocate<double>(MaxTerms);
        for (int a = 0; a < k; a++) running[a] = 0.0;
        int end = model.ChunkStart[chunk + 1];
        for (int unit = model.ChunkStart[chunk]; unit < end; unit++)
        {
            TermEvaluation.Evaluate<TAtoms>(model, unit, p, zero, terms);
            int group = model.UnitGroup[unit];
            for (int a = 0; a < k; a++)
            {
                double z = terms[a];
                if (model.Absorbs != 0) z -= parameters[(long)(means + group * k + a) * W + p];
                for (int j = 0; j < model.BasisCount; j++)
                {
                    z -= RoundedProduct.Of(model.Basis[(long)j * model.Units + unit], parameters[(long)(projection + j * k + a) * W + p], zero);
                }
                terms[a] = z;
            }
            double fit = 0.0;
            for (int a = 0; a < k; a++) fit += RoundedProduct.Of(terms[a], parameters[(long)a * W + p], zero);
            double e = model.Outcome[unit] - fit;
            if (clustered)
            {
                for (int a = 0; a < k; a++)
                {
                    double product = RoundedProduct.Of(terms[a], e, zero);
                    if (wholeClusters)
                    {
                        running[a] = running[a] + product;
                        continue;
                    }
                    long score = origin + (long)a * W;
                    partials[score] = partials[score] + product;
                }
                if (wholeClusters && Runs.EndsAt(model.UnitCluster, unit, end)) Runs.Flush(running, clusterScores, model.UnitCluster[unit], k, p);
                continue;
            }
            double w = RoundedProduct.Of(e, e, zero);
            if (weighting != 0)
            {
                double h = model.Leverage[unit];
                for (int a = 0; a < k; a++)
                {
                    for (int b = 0; b <= a; b++) h += RoundedProduct.Of(RoundedProduct.Of(terms[a], parameters[(long)(inverse + a * k + b) * W + p], zero), terms[b], zero);
                }
                double rest = 1.0 - h;
                w = weighting == 2 ? w / rest : w / RoundedProduct.Of(rest, rest, zero);
            }
            for (int a = 0; a < k; a++)
            {
                double weighted = RoundedProduct.Of(terms[a], w, zero);
                for (int b = 0; b <= a; b++)
                {
                    long pair = origin + (long)(a * (a + 1) / 2 + b) * W;
                    partials[pair] = partials[pair] + RoundedProduct.Of(weighted, terms[b], zero);
                }
            }
        }
    }

    /// <summary>Zeroes work-item p's slots of chunk <paramref name="chunk"/> and returns where its first slot lies.</summary>
    private static long Cleared(ArrayView<double> partials, int chunk, int p, int slots)
    {
        long origin = (long)chunk * slots * W + p;
        for (int s = 0; s < slots; s++) partials[origin + (long)s * W] = 0.0;
        return origin;
    }
}
