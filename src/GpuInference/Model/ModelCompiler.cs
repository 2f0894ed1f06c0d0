using System.Globalization;
using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Model.Formula;

namespace GpuInference.Model;

/// <summary>
/// Binds a formula to a nodes table and a graph: which rows are analysis units, which terms move with the permuted
/// columns and which are fixed, how categorical covariates become dummies, and the absorbed fixed effect.
/// </summary>
public static class ModelCompiler
{
    public static CompiledModel Compile(ModelRequest request, ColumnTable table, CsrGraph graph)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(graph);
        ModelFormula formula = request.Formula;
        if (request.Permuted.Count == 0) throw new ModelCompilationException("--permute names no column");

        PermutedCodes codes = PermutedCodes.Build(table, request.Permuted);
        var degree = new double[table.Rows];
        for (int node = 0; node < table.Rows; node++) degree[node] = graph.Degree(node);
        var context = new Context(table, codes, degree, [.. request.Permuted]);

        bool[] unit = SelectUnits(request, table, formula, context, out var notes);
        int[] unitNodes = [.. Enumerable.Range(0, table.Rows).Where(r => unit[r])];
        if (unitNodes.Length == 0) throw new ModelCompilationException("no analysis units: every row misses a model variable or fails --where");

        int[]? group = null;
        int groups = 0;
        string? feName = null;
        // The fixed effect with the most groups is absorbed (demeaned); any others enter as dummies, which is exact
        // and cheap for the few-level effects (survey rounds, sexes) they usually are.
        var groupsOf = formula.FixedEffects.ToDictionary(f => f, f => FixedEffectGroups.Of(context.CodesOf(f), unitNodes));
        FixedEffect[] byGroups = [.. formula.FixedEffects.OrderByDescending(f => groupsOf[f].Count)];
        if (byGroups.Length > 0)
        {
            FixedEffect fe = byGroups[0];
            feName = string.Join(" + ", formula.FixedEffects.Select(f => f.Text));
            FixedEffectGroups chosen = groupsOf[fe];
            group = chosen.GroupOfUnit;
            groups = chosen.Count;
            // A unit alone in its group is fitted exactly by its own effect and tells nothing about the other terms;
            // like fixest and pyfixest, leave it out (and say so) rather than carry a leverage of 1 into the SEs.
            var size = new int[groups];
            foreach (int g in group) size[g]++;
            int singletons = size.Count(n => n == 1);
            if (singletons > 0)
            {
                int[] kept = group;
                unitNodes = [.. unitNodes.Where((_, i) => size[kept[i]] > 1)];
                if (unitNodes.Length == 0) throw new ModelCompilationException($"every group of {fe.Text} has one unit: nothing is left to fit");
                chosen = FixedEffectGroups.Of(context.CodesOf(fe), unitNodes);
                group = chosen.GroupOfUnit;
                groups = chosen.Count;
                notes.Add(ModelNotes.SingletonsLeftOut(singletons, fe.Text));
            }
        }

        var moving = new List<MovingTerm>();
        var fixedNames = new List<string>();
        var fixedColumns = new List<double[]>();
        var terms = new List<ModelTerm>();
        if (formula.Intercept && formula.FixedEffects.Count == 0)
        {
            fixedNames.Add(CompiledModel.InterceptName);
            fixedColumns.Add([.. unitNodes.Select(_ => 1.0)]);
        }
        foreach (Term term in formula.Terms)
        {
            if (term.DependsOn(request.Permuted))
            {
                terms.Add(new ModelTerm(term.Text, true, moving.Count));
                moving.Add(MovingOf(term, context, unitNodes));
                continue;
            }
            foreach ((string name, double[] values) in FixedOf(term, context, graph, unitNodes))
            {
                terms.Add(new ModelTerm(name, false, fixedColumns.Count));
                fixedNames.Add(name);
                fixedColumns.Add(values);
            }
        }
        var nuisance = new List<string>();
        var extras = new List<(FixedEffect Effect, string[] Labels, int[] Level)>();
        foreach (FixedEffect extra in byGroups.Skip(1))
        {
            string[] labels = SortedLevels(extra, context, unitNodes, out int[] ids);
            if (labels.Length > MaxDummyLevels)
                throw new ModelCompilationException($"formula: fixed effect {extra.Text} has {labels.Length:N0} groups; only the largest fixed effect ({byGroups[0].Text}) is absorbed and the others enter as dummies, at most {MaxDummyLevels:N0} groups each (combine them with ^ instead)");
            extras.Add((extra, labels, ids));
        }
        bool[][] keep = extras.Count == 0 ? [] : RedundantDummies.Keep(group!, groups, [.. extras.Select(e => (e.Level, e.Labels.Length))]);
        for (int f = 0; f < extras.Count; f++)
        {
            (FixedEffect extra, string[] labels, int[] ids) = extras[f];
            int dummies = 0;
            for (int level = 1; level < labels.Length; level++)
            {
                if (!keep[f][level]) continue;
                int l = level;
                string name = $"{extra.Text}={labels[level]}";
                fixedNames.Add(name);
                fixedColumns.Add([.. ids.Select(id => id == l ? 1.0 : 0.0)]);
                nuisance.Add(name);
                dummies++;
            }
            notes.Add(ModelNotes.DummyFixedEffect(extra.Text, dummies, labels.Length - 1 - dummies, byGroups[0].Text));
        }

        if (moving.Count == 0)
            throw new ModelCompilationException($"no term of the formula depends on the permuted column{(request.Permuted.Count == 1 ? "" : "s")} {string.Join(", ", request.Permuted)}: nothing to test");

        int[] tested = request.Tested.Count == 0
            ? [.. Enumerable.Range(0, moving.Count)]
            : [.. request.Tested.Select(name => moving.FindIndex(m => m.Name == name) is int i and >= 0 ? i
                : throw new ModelCompilationException($"--test: '{name}' is not a term that moves with the permuted columns (choose from {string.Join(", ", moving.Select(m => m.Name))})")).Distinct()];


        int isolated = unitNodes.Count(n => graph.Degree(n) == 0);
        if (isolated > 0 && moving.Any(m => m is FriendExposureTerm or MovingProductTerm))
            notes.Add(ModelNotes.Isolated(isolated));
        if (graph.Weights is null && moving.OfType<FriendExposureTerm>().Any(m => m.Kind is ExposureKind.WeightedSum or ExposureKind.WeightedShare))
            throw new ModelCompilationException("wsum() and wshare() need tie weights: the edges file has no weight column");

        return new CompiledModel
        {
            Formula = formula.Text,
            Response = formula.Response,
            Graph = graph,
            UnitNodes = unitNodes,
            Outcome = [.. unitNodes.Select(n => context.NumberOf(formula.Response, "the response")[n])],
            ObservedCodes = codes.Codes,
            CodeLabels = codes.Labels,
            Moving = [.. moving],
            FixedNames = [.. fixedNames],
            Fixed = [.. fixedColumns],
            FixedEffect = group,
            FixedEffectGroups = groups,
            FixedEffectName = feName,
            Terms = [.. terms],
            Nuisance = [.. nuisance],
            Tested = tested,
            Joint = request.Joint,
            RowsDropped = table.Rows - unitNodes.Length,
            Notes = notes,
        };
    }

    /// <summary>Units: rows with every model variable present (listwise deletion) that pass every --where.</summary>
    private static bool[] SelectUnits(ModelRequest request, ColumnTable table, ModelFormula formula, Context context, out List<string> notes)
    {
        notes = [];
        var unit = new bool[table.Rows];
        Array.Fill(unit, true);
        string[] needed = [.. request.ColumnsToRead().Where(c => !request.Permuted.Contains(c) && !request.Where.Any(w => w.Key == c))];
        foreach (string name in needed)
        {
            TableColumn column = table[name];
            int missing = 0;
            for (int row = 0; row < table.Rows; row++)
            {
                if (unit[row] && column.IsMissing(row)) { unit[row] = false; missing++; }
            }
            if (missing > 0) notes.Add(ModelNotes.BlankDropped(missing, name));
        }
        foreach ((string name, string value) in request.Where)
        {
            TableColumn column = table[name];
            if (!column.Levels.Contains(value) && !(column.IsNumeric && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && column.Numbers!.Contains(v)))
                throw new ModelCompilationException($"--where {name}={value}: no row has that value (values: {string.Join(", ", column.Levels.Take(10))}{(column.Levels.Length > 10 ? ", ..." : "")})");
            int excluded = 0;
            for (int row = 0; row < table.Rows; row++)
            {
                if (!unit[row]) continue;
                bool match = column.IsNumeric
                    ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && column.Numbers![row] == x
                    : column.Text(row) == value;
                if (!match) { unit[row] = false; excluded++; }
            }
            notes.Add($"--where {name}={value} excluded {excluded:N0} row{(excluded == 1 ? "" : "s")} from the analysis units (they still carry their treatment to their friends)");
        }
        return unit;
    }

    private static MovingTerm MovingOf(Term term, Context context, int[] unitNodes) => term switch
    {
        ColumnTerm column => new OwnTreatmentTerm(term.Text, context.PermutedNumbers(column.Name, term.Text)),
        ExposureTerm exposure => new FriendExposureTerm(term.Text, exposure.Kind, exposure.K ?? 0, context.Treated(exposure.Treatment, term.Text)),
        InteractionTerm interaction => ProductOf(interaction, context, unitNodes),
        _ => throw new ModelCompilationException($"term {term.Text}: not supported"),
    };

    private static MovingProductTerm ProductOf(InteractionTerm interaction, Context context, int[] unitNodes)
    {
        var moving = new List<MovingTerm>();
        double[]? fixedFactor = null;
        foreach (Term factor in interaction.Factors)
        {
            if (factor.DependsOn(context.Permuted))
            {
                moving.Add(MovingOf(factor, context, unitNodes));
                continue;
            }
            double[] values = factor is ColumnTerm column ? context.NumberOf(column.Name, $"term {interaction.Text}")
                : throw new ModelCompilationException($"term {interaction.Text}: a fixed exposure inside an interaction is not supported");
            fixedFactor ??= [.. unitNodes.Select(_ => 1.0)];
            for (int i = 0; i < unitNodes.Length; i++) fixedFactor[i] *= values[unitNodes[i]];
        }
        return new MovingProductTerm(interaction.Text, [.. moving], fixedFactor);
    }

    /// <summary>A fixed term's columns: a number, a categorical's dummies (the first sorted level is the baseline), or a product of numbers.</summary>
    private static IEnumerable<(string Name, double[] Values)> FixedOf(Term term, Context context, CsrGraph graph, int[] unitNodes)
    {
        switch (term)
        {
            case ColumnTerm column when context.IsCategorical(column.Name):
                TableColumn categorical = context.Table[column.Name];
                for (int level = 1; level < categorical.Levels.Length; level++)
                {
                    int l = level;
                    yield return ($"{column.Name}={categorical.Levels[level]}", [.. unitNodes.Select(n => categorical.Codes![n] == l ? 1.0 : 0.0)]);
                }
                break;
            case ColumnTerm column:
                double[] numbers = context.NumberOf(column.Name, $"term {term.Text}");
                yield return (term.Text, [.. unitNodes.Select(n => numbers[n])]);
                break;
            case InteractionTerm interaction:
                double[] product = [.. unitNodes.Select(_ => 1.0)];
                foreach (Term factor in interaction.Factors)
                {
                    double[] values = factor is ColumnTerm c ? context.NumberOf(c.Name, $"term {term.Text}")
                        : throw new ModelCompilationException($"term {term.Text}: a fixed exposure inside an interaction is not supported");
                    for (int i = 0; i < unitNodes.Length; i++) product[i] *= values[unitNodes[i]];
                }
                yield return (term.Text, product);
                break;
            case ExposureTerm exposure:
                // An exposure of a column that does not move (friends who are male): computed once, a fixed covariate.
                bool[] treated = context.FixedTreated(exposure.Treatment, term.Text, out int[] nodeCode);
                var values2 = new double[unitNodes.Length];
                Exposures.ExposureCalculator.Compute(exposure.Kind, exposure.K ?? 0, graph, unitNodes, nodeCode, treated, values2);
                yield return (term.Text, values2);
                break;
        }
    }

    /// <summary>The most groups a fixed effect entered as dummies may have.</summary>
    public const int MaxDummyLevels = 2000;

    /// <summary>
    /// The groups of a fixed effect entered as dummies, labelled by the values of its columns (joined by '^') and
    /// sorted as a categorical column's levels are (numbers by value, else text), so the first is the baseline.
    /// </summary>
    private static string[] SortedLevels(FixedEffect fe, Context context, int[] unitNodes, out int[] ids)
    {
        FixedEffectGroups groups = FixedEffectGroups.Of(context.CodesOf(fe), unitNodes);
        string[] labels = [.. groups.FirstUnit.Select(i => string.Join("^", fe.Columns.Select(c => context.Text(c, unitNodes[i]))))];
        bool numeric = labels.All(k => double.TryParse(k, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        int[] order = numeric
            ? [.. Enumerable.Range(0, labels.Length).OrderBy(g => double.Parse(labels[g], CultureInfo.InvariantCulture))]
            : [.. Enumerable.Range(0, labels.Length).OrderBy(g => labels[g], StringComparer.Ordinal)];
        var rank = new int[order.Length];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r;
        ids = [.. groups.GroupOfUnit.Select(g => rank[g])];
        return [.. order.Select(g => labels[g])];
    }

    /// <summary>The table, the codes and the built-in columns, looked up by name.</summary>
    private sealed class Context(ColumnTable table, PermutedCodes codes, double[] degree, string[] permuted)
    {
        public ColumnTable Table { get; } = table;

        public string[] Permuted { get; } = permuted;

        public bool IsCategorical(string name) => name != BuiltInColumns.Degree && !Table[name].IsNumeric;

        public double[] NumberOf(string name, string where)
        {
            if (name == BuiltInColumns.Degree) return degree;
            TableColumn column = Table[name];
            if (!column.IsNumeric) throw new ModelCompilationException($"{where}: column '{name}' is not numeric (values such as '{column.Levels.FirstOrDefault()}')");
            return column.Numbers!;
        }

        /// <summary>The cell of <paramref name="node"/> in column <paramref name="name"/> as text.</summary>
        public string Text(string name, int node) => name == BuiltInColumns.Degree
            ? degree[node].ToString(CultureInfo.InvariantCulture)
            : Table[name].Text(node);

        /// <summary>Each column of <paramref name="fe"/> as a code per node (see <see cref="FixedEffectGroups.CodesOf(TableColumn)"/>).</summary>
        public (int[] Codes, int Count)[] CodesOf(FixedEffect fe) =>
            [.. fe.Columns.Select(c => c == BuiltInColumns.Degree ? FixedEffectGroups.CodesOf(degree) : FixedEffectGroups.CodesOf(Table[c]))];

        public double[] PermutedNumbers(string column, string term)
        {
            if (!Table[column].IsNumeric) throw new ModelCompilationException($"term {term}: '{column}' is categorical; use it through an arm test such as count({column}=={Table[column].Levels[0]})");
            return codes.NumericValues(column);
        }

        public bool[] Treated(TreatmentTest test, string term)
        {
            if (test.EqualsValue is not null) return Check(codes.Equal(test.Column, test.EqualsValue), test, term);
            RequireZeroOne(test.Column, term);
            return Check(codes.Equal(test.Column, "1"), test, term);
        }

        public bool[] FixedTreated(TreatmentTest test, string term, out int[] nodeCode)
        {
            TableColumn column = Table[test.Column];
            if (test.EqualsValue is null) RequireZeroOne(test.Column, term);
            string value = test.EqualsValue ?? "1";
            nodeCode = new int[Table.Rows];
            for (int row = 0; row < Table.Rows; row++)
            {
                if (column.IsMissing(row)) throw Table.Error(row, column, $"'{test.Column}' is blank, but {term} needs every friend's value");
                bool hit = column.Text(row) == value || column.IsNumeric && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && column.Numbers![row] == x;
                nodeCode[row] = hit ? 1 : 0;
            }
            return [false, true];
        }

        private void RequireZeroOne(string name, string term)
        {
            TableColumn column = Table[name];
            if (!column.IsNumeric || column.Levels.Any(l => l is not ("0" or "1")))
                throw new ModelCompilationException($"term {term}: '{name}' is not 0/1 (values {string.Join(", ", column.Levels.Take(6))}); test one arm, e.g. {term.Replace(name, $"{name}=={column.Levels.LastOrDefault()}", StringComparison.Ordinal)}");
        }

        private static bool[] Check(bool[] treated, TreatmentTest test, string term) =>
            treated.Any(t => t) ? treated : throw new ModelCompilationException($"term {term}: no node has {test.Text}");
    }
}
