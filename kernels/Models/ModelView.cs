using ILGPU;

namespace GpuInference.Kernels.Models;

/// <summary>
/// A laid-out model on the device, passed to its kernels as one argument: the renumbered graph, the batch's
/// indicator words, the program of the moving terms (indicators → atoms → products; the atoms' kinds are the kernels' type
/// argument, <see cref="Atoms.IAtomList"/>, not data) and the units' fixed data, all
/// in the host's layout (<c>Backends.Models.ModelProblem</c> documents each array).
/// </summary>
public struct ModelView
{
    public ArrayView<long> RowOffsets;
    public ArrayView<int> Neighbors;

    /// <summary>Tie weights, or a one-element dummy when <see cref="Weighted"/> is 0.</summary>
    public ArrayView<float> Weights;

    /// <summary>[node · Indicators + i], bit p = permutation p.</summary>
    public ArrayView<ulong> Words;

    public ArrayView<int> AtomParameter;
    public ArrayView<int> AtomIndicator;
    public ArrayView<int> LevelStart;
    public ArrayView<int> LevelIndicator;
    public ArrayView<double> LevelValue;
    public ArrayView<int> TermStart;
    public ArrayView<int> TermAtoms;
    public ArrayView<int> TermFixedFactor;

    /// <summary>Per term: 1 when the host sums its Σ m ỹ and Σ q mᵀ from the changed nodes, so the kernels skip them.</summary>
    public ArrayView<int> HostSummed;

    /// <summary>Per term: 1 when its Σ m ỹ and Σ q mᵀ are summed in complement, as Σ (1 − m) ỹ and Σ q (1 − m) (<c>Backends.Models.TermComplements</c>).</summary>
    public ArrayView<int> Complemented;

    /// <summary>Fixed factor f of unit i at [f · Units + i].</summary>
    public ArrayView<double> FixedFactors;

    public ArrayView<double> Outcome;

    /// <summary>Basis column j of unit i at [j · Units + i].</summary>
    public ArrayView<double> Basis;

    public ArrayView<double> Shift;
    public ArrayView<double> Leverage;
    public ArrayView<int> UnitGroup;
    public ArrayView<int> ChunkStart;

    /// <summary>The group of a chunk holding a share of one group, or −1 for a chunk of whole groups.</summary>
    public ArrayView<int> ChunkGroup;

    /// <summary>The cluster of a chunk holding a share of one cluster, or −1 for a chunk of whole clusters (a one-element dummy without clusters).</summary>
    public ArrayView<int> ChunkCluster;

    /// <summary>The cluster of each unit (a one-element dummy without clusters).</summary>
    public ArrayView<int> UnitCluster;

    public int Indicators;
    public int Terms;
    public int BasisCount;
    public int Units;

    /// <summary>1 when some atom reads tie weights.</summary>
    public int Weighted;

    /// <summary>1 when a fixed effect is absorbed (the second pass takes group means out).</summary>
    public int Absorbs;
}
