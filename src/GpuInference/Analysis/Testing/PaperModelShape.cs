using GpuInference.Estimation;
using GpuInference.Inference.Models;
using GpuInference.Model.Formula;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// A test whose model and design are the paper's: two treatments permuted together as pairs across every node,
/// <c>y ~ count(A) + count(B) + A + B | degree^S</c> (terms in any order), coefficients as the statistic (and their
/// joint Wald statistic, weighted by the observed covariance) and unclustered standard errors. Such a test runs on the paper preset's integer kernels
/// (<see cref="PaperModelRun"/>), the ones <c>analyze</c> uses, so the two commands give the same null value for
/// value; every other test runs on the general kernels.
/// </summary>
/// <param name="Outcome">The response column.</param>
/// <param name="Banner">A, the first permuted column (the paper's banner).</param>
/// <param name="Feed">B, the second permuted column (the paper's feed).</param>
/// <param name="Stratum">S, the column crossed with degree in the strata (the paper's vote2010).</param>
/// <param name="StrataText">The fixed effect as the formula writes it (<c>degree^S</c> or <c>S^degree</c>).</param>
/// <param name="Order">The preset's coefficient (0: count(A), 1: count(B), 2: A, 3: B) of each formula term, in formula order.</param>
public sealed record PaperModelShape(string Outcome, string Banner, string Feed, string Stratum, string StrataText, int[] Order)
{
    /// <summary>The preset's coefficients as formula terms, in the preset's order.</summary>
    public string[] PresetTerms => [$"count({Banner})", $"count({Feed})", Banner, Feed];

    /// <summary>The paper's own formula for these columns.</summary>
    public string Formula => $"{Outcome} ~ count({Banner}) + count({Feed}) + {Banner} + {Feed} | {BuiltInColumns.Degree}^{Stratum}";

    /// <summary>The shape of <paramref name="formula"/> with <paramref name="permuted"/> moving, or null when it is another model.</summary>
    public static PaperModelShape? Of(ModelFormula formula, IReadOnlyList<string> permuted)
    {
        ArgumentNullException.ThrowIfNull(formula);
        if (permuted.Count != 2 || permuted[0] == permuted[1] || formula.Terms.Count != 4 || formula.FixedEffects.Count != 1) return null;
        string a = permuted[0], b = permuted[1], y = formula.Response;
        IReadOnlyList<string> fe = formula.FixedEffects[0].Columns;
        if (fe.Count != 2 || !fe.Contains(BuiltInColumns.Degree)) return null;
        string s = fe[0] == BuiltInColumns.Degree ? fe[1] : fe[0];
        if (new[] { a, b, y, s }.Distinct().Count() != 4 || new[] { a, b, y, s }.Contains(BuiltInColumns.Degree)) return null;

        var order = new int[4];
        for (int t = 0; t < 4; t++)
        {
            order[t] = formula.Terms[t] switch
            {
                ExposureTerm { Kind: ExposureKind.Count, Treatment.IsArmTest: false } e when e.Treatment.Column == a => 0,
                ExposureTerm { Kind: ExposureKind.Count, Treatment.IsArmTest: false } e when e.Treatment.Column == b => 1,
                ColumnTerm c when c.Name == a => 2,
                ColumnTerm c when c.Name == b => 3,
                _ => -1,
            };
        }
        return order.Order().SequenceEqual([0, 1, 2, 3]) ? new PaperModelShape(y, a, b, s, formula.FixedEffects[0].Text, order) : null;
    }

    /// <summary>
    /// The shape of the test <paramref name="options"/> ask for, when its design and statistics are the preset's too:
    /// complete permutation with no blocks, clusters or restrictions, coefficients (their joint Wald statistic is
    /// weighted by the observed covariance, as the general engine weights it), and standard errors that need no clusters. Null otherwise, or when the options ask for the general engine.
    /// </summary>
    public static PaperModelShape? Of(NetworkTestOptions options, ModelFormula formula)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Engine != TestEngine.Auto || options.Design != DesignKind.Permute || options.Within is not null || options.Clusters is not null
            || options.Where.Count > 0 || options.Statistic != TestStatistic.Coefficient || options.SeClusters is not null
            || !Enum.TryParse(options.Se, out CovarianceType type) || CovarianceSpecification.IsClustered(type))
        {
            return null;
        }
        PaperModelShape? shape = Of(formula, options.Permute);
        if (shape is null) return null;
        return options.Tested.All(t => formula.FindTerm(t) is not null) ? shape : null;
    }
}
