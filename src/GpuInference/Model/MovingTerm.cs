using GpuInference.Graph;
using GpuInference.Model.Exposures;
using GpuInference.Model.Formula;

namespace GpuInference.Model;

/// <summary>
/// A model term whose values depend on the permuted columns, so it is recomputed in every permutation from the
/// drawn codes (one small integer per node: the combination of the permuted columns' values it holds).
/// </summary>
public abstract record MovingTerm(string Name)
{
    /// <summary>Writes the term's value for each unit (node <paramref name="unitNodes"/>[i]) under the drawn codes.</summary>
    public abstract void Evaluate(CsrGraph graph, ReadOnlySpan<int> unitNodes, ReadOnlySpan<int> drawn, Span<double> values);
}

/// <summary>A permuted column used as a term: the unit's own drawn value (<see cref="ValueByCode"/>[code]).</summary>
public sealed record OwnTreatmentTerm(string Name, double[] ValueByCode) : MovingTerm(Name)
{
    public override void Evaluate(CsrGraph graph, ReadOnlySpan<int> unitNodes, ReadOnlySpan<int> drawn, Span<double> values)
    {
        for (int i = 0; i < unitNodes.Length; i++) values[i] = ValueByCode[drawn[unitNodes[i]]];
    }
}

/// <summary>An exposure function of the friends' drawn treatment: <see cref="TreatedByCode"/>[code] says who counts as treated.</summary>
public sealed record FriendExposureTerm(string Name, ExposureKind Kind, int K, bool[] TreatedByCode) : MovingTerm(Name)
{
    public override void Evaluate(CsrGraph graph, ReadOnlySpan<int> unitNodes, ReadOnlySpan<int> drawn, Span<double> values) =>
        ExposureCalculator.Compute(Kind, K, graph, unitNodes, drawn, TreatedByCode, values);
}

/// <summary><c>a:b</c> where at least one factor moves: the product of the moving factors and of the fixed factor (per unit), if any.</summary>
public sealed record MovingProductTerm(string Name, MovingTerm[] Factors, double[]? FixedFactor) : MovingTerm(Name)
{
    public override void Evaluate(CsrGraph graph, ReadOnlySpan<int> unitNodes, ReadOnlySpan<int> drawn, Span<double> values)
    {
        Factors[0].Evaluate(graph, unitNodes, drawn, values);
        double[] scratch = new double[unitNodes.Length];
        for (int f = 1; f < Factors.Length; f++)
        {
            Factors[f].Evaluate(graph, unitNodes, drawn, scratch);
            for (int i = 0; i < values.Length; i++) values[i] *= scratch[i];
        }
        if (FixedFactor is not null)
        {
            for (int i = 0; i < values.Length; i++) values[i] *= FixedFactor[i];
        }
    }
}
