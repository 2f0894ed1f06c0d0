using System.Numerics;

namespace GpuInference.Backends.Models;

/// <summary>
/// Of[m] has lane j all ones where bit j of m is set: ANDed with a broadcast value it gives the value in the lanes
/// whose permutation has the bit set, and +0 elsewhere, one vector of permutations at a time.
/// </summary>
internal static class LaneMasks
{
    public static readonly Vector<double>[] Of = Build();

    private static Vector<double>[] Build()
    {
        int step = Vector<double>.Count;
        var masks = new Vector<double>[1 << step];
        var lanes = new long[step];
        for (int m = 0; m < masks.Length; m++)
        {
            for (int j = 0; j < step; j++) lanes[j] = (m >> j & 1) != 0 ? -1L : 0L;
            masks[m] = Vector.AsVectorDouble(new Vector<long>(lanes));
        }
        return masks;
    }
}
