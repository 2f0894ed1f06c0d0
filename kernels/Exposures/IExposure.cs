namespace GpuInference.Kernels.Exposures;

/// <summary>
/// An exposure mapping: how a unit's friends' treatment becomes one number. Exposure kinds are small structs behind
/// this interface, and the code that walks the graph takes them as a struct type parameter
/// (<c>where TExposure : struct, IExposure</c>), so each kind is compiled into the loop rather than dispatched per
/// friend: the JIT specialises the host loops, and ILGPU does the same for the kernels. They live with the kernels
/// so that host and device evaluate an exposure with one and the same code.
/// </summary>
public interface IExposure
{
    /// <summary>
    /// The exposure of a unit with <paramref name="degree"/> friends of total tie weight <paramref name="weight"/>,
    /// of whom <paramref name="treated"/> are treated, with total tie weight <paramref name="treatedWeight"/>.
    /// </summary>
    double Value(int treated, int degree, double treatedWeight, double weight);
}

/// <summary><c>count(T)</c>: friends with T = 1 (the paper's exposure).</summary>
public readonly struct CountExposure : IExposure
{
    public double Value(int treated, int degree, double treatedWeight, double weight) => treated;
}

/// <summary><c>share(T)</c>: the fraction of friends with T = 1; 0 for a unit with no friends (documented in the report).</summary>
public readonly struct ShareExposure : IExposure
{
    public double Value(int treated, int degree, double treatedWeight, double weight) => degree == 0 ? 0.0 : (double)treated / degree;
}

/// <summary><c>any(T)</c>: 1 if at least one friend has T = 1.</summary>
public readonly struct AnyExposure : IExposure
{
    public double Value(int treated, int degree, double treatedWeight, double weight) => treated > 0 ? 1.0 : 0.0;
}

/// <summary><c>atleast(T, k)</c>: 1 if at least k friends have T = 1.</summary>
public readonly struct AtLeastExposure(int k) : IExposure
{
    public double Value(int treated, int degree, double treatedWeight, double weight) => treated >= k ? 1.0 : 0.0;
}

/// <summary><c>wsum(T)</c>: the summed tie weight of friends with T = 1.</summary>
public readonly struct WeightedSumExposure : IExposure
{
    public double Value(int treated, int degree, double treatedWeight, double weight) => treatedWeight;
}

/// <summary><c>wshare(T)</c>: the share of tie weight on friends with T = 1; 0 for a unit with no tie weight.</summary>
public readonly struct WeightedShareExposure : IExposure
{
    public double Value(int treated, int degree, double treatedWeight, double weight) => weight == 0 ? 0.0 : treatedWeight / weight;
}
