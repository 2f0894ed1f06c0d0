using System.CommandLine;
using System.Globalization;
using GpuInference.Cli.Terminal;
using GpuInference.Data;
using GpuInference.Estimation;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary><c>regress</c>: ordinary least squares on any CSV, by Householder QR, with robust standard errors.</summary>
internal static class RegressCommand
{
    public static Command Create(TextWriter output)
    {
        var data = new Option<string>("--data") { Description = "CSV file (plain or .gz).", Required = true };
        var y = new Option<string>("--y") { Description = "Outcome column.", Required = true };
        var x = new Option<string[]>("--x") { Description = "Regressor columns (comma-separated or repeated).", Required = true, AllowMultipleArgumentsPerToken = true };
        var fe = new Option<string?>("--fe") { Description = "A categorical column whose fixed effects are absorbed (within-group demeaning)." };
        var se = new Option<CovarianceType>("--se") { Description = "Covariance: Classical, HC0, HC1, HC2 or HC3.", DefaultValueFactory = _ => CovarianceType.HC2 };
        var noIntercept = new Option<bool>("--no-intercept") { Description = "Fit without an intercept." };
        var command = new Command("regress", "Ordinary least squares on any CSV (Householder QR; robust standard errors; absorbed fixed effects).")
        {
            data, y, x, fe, se, noIntercept,
        };
        command.SetAction(parsed =>
        {
            string[] regressors = parsed.GetValue(x)!.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            string outcome = parsed.GetValue(y)!;
            string? fixedEffect = parsed.GetValue(fe);
            RequireDistinct(outcome, regressors, fixedEffect);
            NumericTable table = NumericTableReader.Read(parsed.GetValue(data)!, [outcome, .. regressors], fixedEffect is null ? [] : [fixedEffect]);

            bool intercept = !parsed.GetValue(noIntercept) && fixedEffect is null; // the fixed effects absorb the intercept
            var design = new DesignMatrix(table.Rows);
            if (intercept) design.AddIntercept();
            foreach (string name in regressors) design.AddColumn(name, table.Columns[name]);
            FixedEffects? effects = fixedEffect is null ? null
                : FixedEffects.FromCodes<int>(fixedEffect, table.Columns[fixedEffect].Select(v => (int)v).ToArray());
            OlsResult fit = OrdinaryLeastSquares.Fit(design, table.Columns[outcome], parsed.GetValue(se), effects);
            Print(ConsoleProgress.ConsoleFor(output), fit, table, fixedEffect);
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
        console.MarkupLine(Markup.Escape(
            $"{table.Source}: N = {fit.N:N0}, residual df = {fit.ResidualDegreesOfFreedom:N0}, R² = {fit.RSquared:G6}, {fit.CovarianceType} standard errors" +
            (fixedEffect is null ? "" : $", fixed effects for '{fixedEffect}' absorbed")));
    }
}
