using System.CommandLine;
using System.Globalization;
using GpuInference.Cli.Terminal;
using GpuInference.Data;
using GpuInference.Estimation;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>regress</c>: ordinary least squares on any CSV, by Householder QR, with robust or clustered standard errors.</summary>
internal static class RegressCommand
{
    public static Command Create(TextWriter output)
    {
        var data = new Option<string>("--data") { Description = "CSV file (plain or .gz).", Required = true };
        var y = new Option<string>("--y") { Description = "Outcome column.", Required = true };
        var x = new Option<string[]>("--x") { Description = "Regressor columns (comma-separated or repeated).", Required = true, AllowMultipleArgumentsPerToken = true };
        var fe = new Option<string?>("--fe") { Description = "A categorical column whose fixed effects are absorbed (within-group demeaning)." };
        var se = new Option<string>("--se")
        {
            Description = "Covariance: Classical, HC0, HC1, HC2, HC3, or clustered by a column: CR0:COL, CR1:COL (Stata/fixest), CR2:COL (Bell–McCaffrey).",
            DefaultValueFactory = _ => "HC2",
        };
        var noIntercept = new Option<bool>("--no-intercept") { Description = "Fit without an intercept." };
        var outDir = new Option<string?>("--out") { Description = "Also write regress.json (every estimate at full precision) into this folder." };
        var command = new Command("regress", "Ordinary least squares on any CSV (Householder QR; robust or clustered standard errors; absorbed fixed effects).")
        {
            data, y, x, fe, se, noIntercept, outDir,
        };
        command.SetAction(parsed =>
        {
            string[] regressors = parsed.GetValue(x)!.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            string outcome = parsed.GetValue(y)!;
            string? fixedEffect = parsed.GetValue(fe);
            RequireDistinct(outcome, regressors, fixedEffect);
            string path = parsed.GetValue(data)!;
            CovarianceSpecification covariance = ParseCovariance(parsed.GetValue(se)!, path);
            string? cluster = covariance.ClusterColumn;
            NumericTable table = NumericTableReader.Read(path, [outcome, .. regressors], fixedEffect is null ? [] : [fixedEffect], cluster is null ? [] : [cluster]);

            bool intercept = !parsed.GetValue(noIntercept) && fixedEffect is null; // the fixed effects absorb the intercept
            var design = new DesignMatrix(table.Rows);
            if (intercept) design.AddIntercept();
            foreach (string name in regressors) design.AddColumn(name, table.Columns[name]);
            FixedEffects? effects = fixedEffect is null ? null
                : FixedEffects.FromCodes<int>(fixedEffect, table.Columns[fixedEffect].Select(v => (int)v).ToArray());
            Clusters? clusters = cluster is null ? null : Clusters.FromLabels(cluster, table.Labels[cluster]);
            OlsResult fit = OrdinaryLeastSquares.Fit(design, table.Columns[outcome], covariance.Type, effects, clusters);
            Print(ConsoleProgress.ConsoleFor(output), fit, table, fixedEffect);
            if (parsed.GetValue(outDir) is string folder)
            {
                Directory.CreateDirectory(folder);
                RegressionJson.Write(fit, outcome, fixedEffect is null ? [] : [fixedEffect], Path.Combine(folder, RegressionJson.FileName));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A column named twice would make the design singular (or the outcome its own regressor): say so before reading.</summary>
    private static void RequireDistinct(string outcome, string[] regressors, string? fixedEffect)
    {
        if (regressors.Length == 0) throw new UsageException("--x names no column.");
        string? repeated = regressors.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null) throw new UsageException($"--x names '{repeated}' twice.");
        if (regressors.Contains(outcome, StringComparer.Ordinal)) throw new UsageException($"--x names '{outcome}', the outcome given by --y.");
        if (fixedEffect is not null && (fixedEffect == outcome || regressors.Contains(fixedEffect, StringComparer.Ordinal)))
            throw new UsageException($"--fe names '{fixedEffect}', which is also the outcome or a regressor.");
    }

    /// <summary>Reads --se; a malformed value or a cluster column the data lacks is a usage error naming the option.</summary>
    private static CovarianceSpecification ParseCovariance(string text, string path)
    {
        if (!CovarianceSpecification.TryParse(text, out CovarianceSpecification? covariance, out string? problem))
            throw new UsageException($"--se {text}: {problem}");
        if (covariance.ClusterColumn is string column)
        {
            IReadOnlyList<string> header = NumericTableReader.ReadHeader(path);
            if (!header.Contains(column))
                throw new UsageException($"--se {text}: {path} has no column '{column}' (header has: {string.Join(", ", header)})");
        }
        return covariance;
    }

    private static void Print(IAnsiConsole console, OlsResult fit, NumericTable table, string? fixedEffect)
    {
        static string F(double v) => v.ToString("G8", CultureInfo.InvariantCulture);
        var grid = new Table().AddColumns("term", "estimate", "std. error", "95% CI", "p");
        foreach (string name in fit.Names)
        {
            Estimate e = fit.Estimate(name);
            ReportSummary.Row(grid, name, F(e.Value), F(e.StandardError), $"[{F(e.CiLow)}, {F(e.CiHigh)}]", e.P.ToString("G4", CultureInfo.InvariantCulture));
        }
        console.Write(grid);
        string clustered = fit.ClusterCount is not int g ? ""
            : fit.CovarianceType == CovarianceType.CR2 ? $" ({g} clusters; t on Bell–McCaffrey df)"
            : $" ({g} clusters; t on {g - 1} df)" + (fit.SmallSampleParameterCount is int k ? $", G/(G−1)·(n−1)/(n−K) with K = {k}" : "");
        console.MarkupLine(Markup.Escape(
            $"{table.Source}: N = {fit.N:N0}, residual df = {fit.ResidualDegreesOfFreedom:N0}, R² = {fit.RSquared:G6}, {fit.CovarianceLabel} standard errors{clustered}" +
            (fixedEffect is null ? "" : $", fixed effects for '{fixedEffect}' absorbed")));
    }
}
