using GpuInference.Estimation;
using GpuInference.Inference.Models;
using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The fit inside every permutation (the moving terms, by Frisch–Waugh–Lovell on the fixed part) against the full
/// regression of the library's QR least squares, which is itself held to R: coefficients and every covariance type
/// that permutations recompute.
/// </summary>
public sealed class MovingFitTests
{
    private static readonly VillageData Data = VillageData.Create(people: 400, seed: 43);

    public static TheoryData<string, string?> Types => new()
    {
        { "Classical", null }, { "HC0", null }, { "HC1", null }, { "HC2", null }, { "HC3", null },
        { "CR0", "session" }, { "CR1", "session" }, { "CR1", "village" }, { "CR0", "village" },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void MatchesTheFullRegression(string type, string? clusterColumn)
    {
        // Fixed effects by village: sessions nest in villages; clustering by village nests the fixed effects in the clusters.
        CompiledModel model = Data.Compile("y ~ share(t) + count(t) + t + x1 + grp | village", "t");
        var fixedPart = new FixedPart(model);
        double[] outcome = [.. model.Outcome];
        fixedPart.Residualise(outcome);
        int[]? clusters = clusterColumn is null ? null : UnitIds(model, clusterColumn);
        bool nested = clusterColumn == "village";
        var covariance = clusters is null ? PermutationCovariance.Heteroskedastic(type)
            : new PermutationCovariance(type, clusters, clusters.Max() + 1, clusterColumn, nested);
        int k = model.Moving.Length;
        var beta = new double[k];
        var v = new double[k * k];
        new MovingFit(model, fixedPart, outcome).Fit(model.ObservedCodes, beta, covariance, v);

        var x = new DesignMatrix(model.UnitCount);
        foreach (ModelTerm term in model.Terms)
        {
            if (!term.Moves) x.AddColumn(model.FixedNames[term.Index], model.Fixed[term.Index]);
            else
            {
                var values = new double[model.UnitCount];
                model.Moving[term.Index].Evaluate(model.Graph, model.UnitNodes, model.ObservedCodes, values);
                x.AddColumn(term.Name, values);
            }
        }
        var fe = FixedEffects.FromCodes("village", model.FixedEffect.AsSpan());
        OlsResult full = clusters is null
            ? OrdinaryLeastSquares.Fit(x, model.Outcome, Enum.Parse<CovarianceType>(type), fe)
            : OrdinaryLeastSquares.Fit(x, model.Outcome, Enum.Parse<CovarianceType>(type), fe, Clusters.FromIds(clusterColumn!, clusters.AsSpan()));
        for (int a = 0; a < k; a++)
        {
            string name = model.Moving[a].Name;
            Close(full.Estimate(name).Value, beta[a], $"{type} coefficient of {name}");
            for (int b = 0; b < k; b++) Close(full.Covariance(name, model.Moving[b].Name), v[a * k + b], $"{type} covariance of {name} and {model.Moving[b].Name}");
        }
    }

    private static int[] UnitIds(CompiledModel model, string column)
    {
        var codes = Data.Table[column].Codes!;
        var dense = new Dictionary<int, int>();
        return [.. model.UnitNodes.Select(n => dense.TryGetValue(codes[n], out int id) ? id : dense[codes[n]] = dense.Count)];
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(Math.Abs(expected), 1e-12), $"{what}: full regression {expected:R}, permutation fit {actual:R}");
}
