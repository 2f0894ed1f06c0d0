using System.Globalization;
using System.Text;
using GpuInference.Analysis.Testing;
using GpuInference.Inference;

namespace GpuInference.Reporting.Testing;

/// <summary>null.csv and report.md of <c>gpuinference test</c>.</summary>
public static class NetworkTestTextWriters
{
    /// <summary>One row per permutation, one column per tested statistic (the tested terms, then wald).</summary>
    public static string NullCsv(NetworkTestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.Append("permutation");
        foreach ((string name, _) in report.Nulls) text.Append(',').Append(Csv(name));
        text.Append('\n');
        for (int b = 0; b < report.Permutations; b++)
        {
            text.Append(b.ToString(CultureInfo.InvariantCulture));
            foreach ((_, NullDistribution nul) in report.Nulls) text.Append(',').Append(nul.Values[b].ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    public static string Markdown(NetworkTestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append("# Randomization test\n\n");
        md.Append($"Model: `{report.Formula}`  \nPermuted: {string.Join(", ", report.Permuted)}; design: {report.Design}  \n");
        md.Append(Invariant($"Units: {report.Units:N0} ({report.RowsDropped:N0} rows dropped); edges: {report.Edges:N0}; permutations: {report.Permutations:N0}, seed {report.Seed}; backend: {report.Backend}\n\n"));
        md.Append($"## Coefficients ({report.Covariance} standard errors, 95% intervals)\n\n");
        md.Append("| term | estimate | se | 95% CI | p (model) | p (randomization, two-sided) |\n|---|---:|---:|---|---:|---:|\n");
        foreach (CoefficientReport c in report.Coefficients)
        {
            string randomization = c.Randomization is null ? "" : P(c.Randomization.TwoSided);
            md.Append(Invariant($"| `{c.Term}` | {c.Estimate.Value:G6} | {c.Estimate.StandardError:G4} | [{c.Estimate.CiLow:G4}, {c.Estimate.CiHigh:G4}] | {c.Estimate.P:G3} | {randomization} |\n"));
        }
        md.Append($"\n## Randomization null of the tested statistics ({report.Statistic})\n\n");
        md.Append("| statistic | observed | p two-sided [95% MC interval] | p greater | p less | null 2.5% | null 97.5% |\n|---|---:|---|---:|---:|---:|---:|\n");
        foreach ((string name, NullDistribution nul) in report.Nulls)
        {
            md.Append(Invariant($"| `{name}` | {nul.Observed:G6} | {P(nul.TwoSided)} [{nul.TwoSided.Interval.Low:G3}, {nul.TwoSided.Interval.High:G3}] | {P(nul.Greater)} | {P(nul.Less)} | {nul.Q025:G4} | {nul.Q975:G4} |\n"));
        }
        md.Append('\n');
        foreach ((string name, _) in report.Nulls) md.Append($"![{name}]({TestReportSet.PlotFile(name)})\n");
        if (report.Notes.Count > 0)
        {
            md.Append("\n## Notes\n\n");
            foreach (string note in report.Notes) md.Append("- ").Append(note).Append('\n');
        }
        return md.ToString();
    }

    private static string P(PValue p) => p.Value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Csv(string name) => name.Contains(',', StringComparison.Ordinal) || name.Contains('"', StringComparison.Ordinal)
        ? "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : name;
}
