namespace GpuInference.Backends.Models;

/// <summary>
/// Where each sufficient statistic sits in a chunk's partial sums, for k moving terms and p basis columns. Every
/// backend writes partials as [chunk][slot][permutation] with <see cref="Width"/> permutations per slot
/// (permutation-minor: a GPU's lanes write neighbouring addresses, and the CPU adds whole vectors).
/// <list type="bullet">
/// <item>First pass: S = Σ m (k), M = Σ m mᵀ (lower triangle, k(k+1)/2), R = Σ m ỹ (k), C = Σ q mᵀ (p · k).</item>
/// <item>Second pass, heteroskedastic: Σ w z zᵀ (lower triangle); clustered: the score Σ e z (k).</item>
/// </list>
/// </summary>
public readonly record struct ModelSlots(int Terms, int BasisColumns)
{
    /// <summary>Permutations per batch (one bit of a word each).</summary>
    public const int Width = 64;

    public int Sum => 0;

    public int Cross => Terms;

    public int Response => Terms + Pairs;

    public int Basis => Terms + Pairs + Terms;

    /// <summary>Slots of the first pass.</summary>
    public int FirstPass => Basis + BasisColumns * Terms;

    public int Pairs => Terms * (Terms + 1) / 2;

    /// <summary>The slot offset of the pair (a, b) with b ≤ a within a lower triangle.</summary>
    public static int Pair(int a, int b) => a * (a + 1) / 2 + b;

    /// <summary>Slots of the second pass.</summary>
    public int SecondPass(bool clustered) => clustered ? Terms : Pairs;

    // The second pass's per-permutation parameters, [parameter][permutation]: β (k), A⁻¹ (k · k, of which the lower
    // triangle is read, off-diagonals doubled, for the leverage zᵀA⁻¹z), C (p · k), then the group means (G · k).
    public int Beta => 0;

    public int Inverse => Terms;

    public int Projection => Terms + Terms * Terms;

    public int Means => Projection + BasisColumns * Terms;

    public int Parameters(int groups) => Means + groups * Terms;
}
