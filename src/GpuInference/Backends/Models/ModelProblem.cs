namespace GpuInference.Backends.Models;

/// <summary>
/// A compiled model as every backend receives it: the graph, the analysis units laid out in the order their sums are
/// taken, the moving terms as a small program over the permuted assignment, and the fixed part reduced to what the
/// sufficient statistics need. Built once by the inference layer (the model layout); read only afterwards.
/// <para>
/// <b>The program.</b> The drawn code of a node enters only through <see cref="IndicatorCount"/> indicators (is the
/// node's code in this set?), bit-sliced one 64-bit word per node and indicator. An atom is an exposure of one
/// indicator (count, share, ... of the friends whose bit is set) or a unit's own value (the value of the one level
/// whose indicator is set, 0 if none). A moving term is a product of atoms, times a fixed per-unit factor for
/// <c>a:b</c> with a fixed b, minus a per-group shift (the observed group mean, so the sums stay well conditioned;
/// a constant within the absorbed groups leaves the fit unchanged).
/// </para>
/// <para>
/// <b>The layout.</b> Units are sorted by the absorbed fixed effect and the clusters of the standard errors (whichever
/// nests in the other comes second) and cut into chunks. A chunk either holds whole groups (and writes each group's
/// term sums whole, in unit order) or is one of the chunks of a group too large for one (and writes its share, which
/// the host adds in chunk order); the same holds for the clusters of cluster-robust statistics.
/// </para>
/// </summary>
public sealed class ModelProblem
{
    /// <summary>Largest number of indicators, atoms and terms a kernel keeps in registers; a bigger model runs on the reference path.</summary>
    public const int MaxIndicators = Kernels.Models.ModelKernels.MaxIndicators;

    /// <inheritdoc cref="MaxIndicators"/>
    public const int MaxAtoms = Kernels.Models.ModelKernels.MaxAtoms;

    /// <inheritdoc cref="MaxIndicators"/>
    public const int MaxTerms = Kernels.Models.ModelKernels.MaxTerms;

    /// <summary>An atom that is the unit's own value rather than an exposure.</summary>
    public const int OwnValueAtom = Kernels.Models.Atoms.AtomTypes.OwnValue;

    public required int NodeCount { get; init; }

    /// <summary>
    /// The file's node behind each node of the problem. The problem renumbers nodes so that the units come first, in
    /// layout order (unit i is node i), and every other node after them in file order: the walk over the units then
    /// reads the graph's rows in sequence instead of jumping to wherever the file put each unit.
    /// </summary>
    public required int[] FileNode { get; init; }

    /// <summary>CSR of the friend graph over all nodes, renumbered; each row keeps the file's order of friends.</summary>
    public required long[] RowOffsets { get; init; }

    public required int[] Neighbors { get; init; }

    /// <summary>Tie weights per edge, or null when no term reads them.</summary>
    public float[]? Weights { get; init; }

    /// <summary>Indicators[i][code]: whether a node with that drawn code has indicator i set.</summary>
    public required bool[][] Indicators { get; init; }

    public int IndicatorCount => Indicators.Length;

    /// <summary>Per atom: an exposure code (<c>Kernels.Exposures.ExposureCodes</c>) or <see cref="OwnValueAtom"/>.</summary>
    public required int[] AtomKind { get; init; }

    /// <summary>Per atom: the threshold of atleast (0 otherwise).</summary>
    public required int[] AtomParameter { get; init; }

    /// <summary>Per exposure atom: the indicator whose friends it counts (−1 for own-value atoms).</summary>
    public required int[] AtomIndicator { get; init; }

    /// <summary>Own-value atom a has levels LevelStart[a] .. LevelStart[a + 1] − 1 (empty ranges for exposures).</summary>
    public required int[] LevelStart { get; init; }

    /// <summary>Per level: its indicator.</summary>
    public required int[] LevelIndicator { get; init; }

    /// <summary>Per level: the value a unit whose own code is in the level's set takes.</summary>
    public required double[] LevelValue { get; init; }

    public int AtomCount => AtomKind.Length;

    /// <summary>Term t is the product of atoms TermAtoms[TermStart[t] .. TermStart[t + 1] − 1], in that order.</summary>
    public required int[] TermStart { get; init; }

    public required int[] TermAtoms { get; init; }

    /// <summary>Per term: the fixed factor it is multiplied by (an index into <see cref="FixedFactors"/>), or −1.</summary>
    public required int[] TermFixedFactor { get; init; }

    /// <summary>Per fixed factor: one value per unit, in layout order.</summary>
    public required double[][] FixedFactors { get; init; }

    /// <summary>Moving terms: k.</summary>
    public int TermCount => TermFixedFactor.Length;

    /// <summary>Analysis units: nodes 0 .. UnitCount − 1.</summary>
    public required int UnitCount { get; init; }

    /// <summary>The outcome residualised on the fixed part, in layout order.</summary>
    public required double[] Outcome { get; init; }

    /// <summary>The orthonormal basis of the demeaned covariates: column j of unit i at [j · units + i], layout order.</summary>
    public required double[] Basis { get; init; }

    /// <summary>Columns of <see cref="Basis"/>: p.</summary>
    public required int BasisCount { get; init; }

    /// <summary>Whether the fixed effect is absorbed (group sums are then taken out of the Gram matrix).</summary>
    public required bool Absorbs { get; init; }

    /// <summary>The absorbed group of each unit in layout order (all 0 when nothing is absorbed).</summary>
    public required int[] UnitGroup { get; init; }

    /// <summary>Units per group.</summary>
    public required int[] GroupSize { get; init; }

    public int GroupCount => GroupSize.Length;

    /// <summary>Shift[g · k + t]: subtracted from term t in group g (0 for an exact term).</summary>
    public required double[] Shift { get; init; }

    /// <summary>
    /// Per term: whether it takes only whole values small enough that its sums, and the sums of its products with
    /// another exact term, are exact in doubles (it is then not shifted). Those sums have the same bits in any order
    /// of addition, so a backend may take them in integer lanes or in any grouping.
    /// </summary>
    public bool[] ExactTerms { get; init; } = [];

    /// <summary>Each unit's leverage in the fixed part (HC2, HC3), layout order.</summary>
    public required double[] Leverage { get; init; }

    /// <summary>
    /// For cluster-robust statistics: the cluster of each chunk that holds a share of one cluster's units, or −1 for a
    /// chunk of whole clusters (which writes each cluster's score whole, [cluster][term][p]); null without clusters.
    /// </summary>
    public int[]? ChunkCluster { get; init; }

    /// <summary>The cluster of each unit in layout order (dense, from 0), or null without clusters.</summary>
    public int[]? UnitCluster { get; init; }

    /// <summary>Clusters of <see cref="ChunkCluster"/>.</summary>
    public int ClusterCount { get; init; }

    /// <summary>Chunk c holds units ChunkStart[c] .. ChunkStart[c + 1] − 1.</summary>
    public required int[] ChunkStart { get; init; }

    public int ChunkCount => ChunkStart.Length - 1;

    /// <summary>
    /// The group of each chunk that holds a share of one group's units, or −1 for a chunk of whole groups (which
    /// writes their sums into the group sums, [group][term][p]).
    /// </summary>
    public required int[] ChunkGroup { get; init; }

    /// <summary>
    /// The code most nodes hold under the observed assignment: <see cref="ChangedNodeSums"/> sums the linear terms
    /// from the nodes whose indicators differ from this code's.
    /// </summary>
    public int BaselineCode { get; init; }

    private bool[]? _hostSummedTerms;

    /// <summary>
    /// Per term: whether the host takes its Σ m ỹ and Σ q mᵀ from the changed nodes (<see cref="ChangedNodeSums.Terms"/>);
    /// a backend may leave those slots of its partials unwritten, since the fit reads them from the host.
    /// </summary>
    public bool[] HostSummedTerms => _hostSummedTerms ??= ChangedNodeSums.Terms(this);

    private bool[]? _complementedTerms;

    /// <summary>
    /// Per term: whether the first pass's R and C slots hold Σ (1 − m) ỹ and Σ q (1 − m) rather than Σ m ỹ and
    /// Σ q m (<see cref="TermComplements"/>); the fit takes the complement back out.
    /// </summary>
    public bool[] ComplementedTerms => _complementedTerms ??= TermComplements.Of(this);

    /// <summary>Whether any atom reads tie weights.</summary>
    public bool Weighted => Weights is not null;
}
