namespace GpuInference.Backends.Models;

/// <summary>How the second pass weighs each unit's residual: the sandwich's meat.</summary>
public enum ResidualWeighting
{
    /// <summary>HC0 and HC1: e².</summary>
    Squared = 0,

    /// <summary>HC2: e² / (1 − h).</summary>
    Leverage = 2,

    /// <summary>HC3: e² / (1 − h)².</summary>
    LeverageSquared = 3,

    /// <summary>CR0 and CR1: the score Σ e z of each chunk (its cluster's share).</summary>
    ClusterScore = 4,
}

/// <summary>
/// The general seam between the statistics and the hardware. A backend holds one <see cref="ModelProblem"/>
/// (uploaded once) and, for a batch of up to 64 permutations given as bit-sliced indicator words, returns each
/// chunk's sufficient statistics (<see cref="ModelSlots"/>); the host reduces and solves them, by the same code for
/// every backend. Every backend must return the same bits: each (chunk, permutation) sum runs over the chunk's units
/// in order, every product is rounded before it is added, and no step depends on a thread count.
/// </summary>
public interface IModelBackend : IDisposable
{
    /// <summary>"cpu", "cuda", "opencl" or "ilgpu-cpu".</summary>
    string Name { get; }

    /// <summary>One line naming the device.</summary>
    string Device { get; }

    /// <summary>
    /// First pass: the moving terms of every unit under the <paramref name="count"/> permutations in
    /// <paramref name="words"/> ([node · indicators + i], bit p = permutation p), and each chunk's S, M, R and C
    /// written to <paramref name="partials"/> ([chunk][slot][p], <see cref="ModelSlots.FirstPass"/> slots); a chunk
    /// of whole groups (<see cref="ModelProblem.ChunkGroup"/> −1) writes each group's S into
    /// <paramref name="groupSums"/> ([group][term][p]) instead. R and C of the terms in
    /// <see cref="ModelProblem.HostSummedTerms"/> may be left unwritten: the fit takes them from the host's
    /// <see cref="ChangedNodeSums"/>. R and C of the terms in <see cref="ModelProblem.ComplementedTerms"/> sum
    /// 1 − m in place of m.
    /// </summary>
    void Moments(ulong[] words, int count, double[] partials, double[] groupSums);

    /// <summary>
    /// Second pass, for standard errors inside permutations, over the batch of the last <see cref="Moments"/> call
    /// (a device keeps its words): each unit's residualised terms z and residual e under the solved fit in
    /// <paramref name="parameters"/> ([parameter][p], see <see cref="ModelSlots"/>), and each chunk's Σ w z zᵀ or
    /// Σ e z, into <paramref name="partials"/> ([chunk][slot][p]); a chunk of whole clusters
    /// (<see cref="ModelProblem.ChunkCluster"/> −1) writes each cluster's score into <paramref name="clusterScores"/>
    /// ([cluster][term][p]) instead.
    /// </summary>
    void Residuals(int count, ResidualWeighting weighting, double[] parameters, double[] partials, double[] clusterScores);
}
