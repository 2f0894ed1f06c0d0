using System.Numerics;

namespace GpuInference.Estimation;

/// <summary>
/// One categorical variable whose levels are absorbed as fixed effects: each observation's group code. The
/// regression then runs on values demeaned within groups (Frisch–Waugh–Lovell), never on a dummy matrix.
/// </summary>
public sealed class FixedEffects
{
    private readonly int[] _codes;
    private readonly int[] _sizes;

    /// <summary>
    /// Creates the fixed effects called <paramref name="name"/> (used in messages) from non-negative group codes.
    /// Codes need not be contiguous: only groups that occur count towards the model's rank.
    /// </summary>
    public static FixedEffects FromCodes<T>(string name, ReadOnlySpan<T> codes) where T : unmanaged, IBinaryInteger<T>
    {
        var converted = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            int code = int.CreateSaturating(codes[i]);
            if (code < 0) throw new ArgumentOutOfRangeException(nameof(codes), $"row {i} of '{name}' has a negative group code");
            converted[i] = code;
        }
        return new FixedEffects(name, converted);
    }

    private FixedEffects(string name, int[] codes)
    {
        Name = name;
        _codes = codes;
        int groupCodes = 0;
        foreach (int code in codes) groupCodes = Math.Max(groupCodes, code + 1);
        _sizes = new int[groupCodes];
        foreach (int code in codes) _sizes[code]++;
        foreach (int size in _sizes) GroupCount += size > 0 ? 1 : 0;
    }

    /// <summary>The variable's name, for messages ("no variation within 'vote2010'").</summary>
    public string Name { get; }

    /// <summary>The number of observations.</summary>
    public int Rows => _codes.Length;

    /// <summary>The number of groups that occur: the rank the fixed effects add to the model.</summary>
    public int GroupCount { get; }

    /// <summary>Observation <paramref name="row"/>'s group code.</summary>
    public int GroupOf(int row) => _codes[row];

    /// <summary>The number of observations in group <paramref name="group"/>.</summary>
    public int SizeOf(int group) => _sizes[group];

    /// <summary>
    /// Writes <paramref name="values"/> minus their group means into <paramref name="destination"/> (which may be the
    /// same memory). The means are refined by a second pass over the deviations, which removes most of the rounding
    /// a one-pass mean leaves when a group holds millions of observations.
    /// </summary>
    internal void Demean(ReadOnlySpan<double> values, Span<double> destination)
    {
        var means = new double[_sizes.Length];
        for (int i = 0; i < values.Length; i++) means[_codes[i]] += values[i];
        for (int g = 0; g < means.Length; g++) means[g] = _sizes[g] > 0 ? means[g] / _sizes[g] : 0;
        var corrections = new double[_sizes.Length];
        for (int i = 0; i < values.Length; i++) corrections[_codes[i]] += values[i] - means[_codes[i]];
        for (int g = 0; g < means.Length; g++) means[g] += _sizes[g] > 0 ? corrections[g] / _sizes[g] : 0;
        for (int i = 0; i < values.Length; i++) destination[i] = values[i] - means[_codes[i]];
    }
}
