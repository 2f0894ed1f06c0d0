using GpuInference.Estimation;
using GpuInference.Model;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// The observed regression with model-based standard errors: every term (moving ones at the observed assignment,
/// fixed covariates, dummies) through the library's QR least squares with the fixed effect absorbed.
/// </summary>
internal static class ObservedFit
{
    public static OlsResult Fit(CompiledModel model, CovarianceType type, Clusters? clusters)
    {
        var x = new DesignMatrix(model.UnitCount);
        if (model.FixedNames.Contains(CompiledModel.InterceptName)) x.AddIntercept();
        foreach (ModelTerm term in model.Terms)
        {
            if (term.Moves)
            {
                var values = new double[model.UnitCount];
                model.Moving[term.Index].Evaluate(model.Graph, model.UnitNodes, model.ObservedCodes, values);
                x.AddColumn(term.Name, values);
            }
            else
            {
                x.AddColumn(model.FixedNames[term.Index], model.Fixed[term.Index]);
            }
        }
        foreach (string name in model.Nuisance) x.AddColumn(name, model.Fixed[Array.IndexOf(model.FixedNames, name)]);
        FixedEffects? fe = model.FixedEffect is null ? null : FixedEffects.FromCodes(model.FixedEffectName!, model.FixedEffect.AsSpan());
        return OrdinaryLeastSquares.Fit(x, model.Outcome, type, fe, clusters);
    }
}
