using GpuInference.Graph;
using GpuInference.Kernels.Exposures;

using GpuInference.Model.Formula;

namespace GpuInference.Model.Exposures;

/// <summary>
/// Computes one exposure term for every unit from a drawn assignment: a walk over each unit's friends in CSR order,
/// counting those whose drawn code is treated, specialised per exposure kind by its struct type. The allowed
/// instantiations are listed once, in <see cref="Compute"/>.
/// </summary>
public static class ExposureCalculator
{
    /// <summary>
    /// Writes the exposure of each unit (node <paramref name="unitNodes"/>[i]) into <paramref name="values"/>[i].
    /// <paramref name="treated"/>[code] says whether a node with that drawn code counts as treated.
    /// </summary>
    public static void Compute(
        ExposureKind kind, int k, CsrGraph graph, ReadOnlySpan<int> unitNodes, ReadOnlySpan<int> drawn, ReadOnlySpan<bool> treated, Span<double> values)
    {
        switch (kind)
        {
            case ExposureKind.Count: Walk(new CountExposure(), graph, unitNodes, drawn, treated, values); break;
            case ExposureKind.Share: Walk(new ShareExposure(), graph, unitNodes, drawn, treated, values); break;
            case ExposureKind.Any: Walk(new AnyExposure(), graph, unitNodes, drawn, treated, values); break;
            case ExposureKind.AtLeast: Walk(new AtLeastExposure(k), graph, unitNodes, drawn, treated, values); break;
            case ExposureKind.WeightedSum: Walk(new WeightedSumExposure(), graph, unitNodes, drawn, treated, values); break;
            case ExposureKind.WeightedShare: Walk(new WeightedShareExposure(), graph, unitNodes, drawn, treated, values); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static void Walk<TExposure>(
        TExposure exposure, CsrGraph graph, ReadOnlySpan<int> unitNodes, ReadOnlySpan<int> drawn, ReadOnlySpan<bool> treated, Span<double> values)
        where TExposure : struct, IExposure
    {
        long[] offsets = graph.RowOffsets;
        int[] friends = graph.Columns;
        float[]? weights = graph.Weights;
        for (int i = 0; i < unitNodes.Length; i++)
        {
            int node = unitNodes[i];
            int count = 0;
            double treatedWeight = 0, weight = 0;
            for (long e = offsets[node]; e < offsets[node + 1]; e++)
            {
                bool t = treated[drawn[friends[e]]];
                count += t ? 1 : 0;
                if (weights is not null)
                {
                    weight += weights[e];
                    if (t) treatedWeight += weights[e];
                }
            }
            values[i] = exposure.Value(count, (int)(offsets[node + 1] - offsets[node]), treatedWeight, weight);
        }
    }
}
