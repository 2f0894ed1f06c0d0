using System.Text.Json;

namespace GpuInference.Estimation;

/// <summary>
/// Writes a fit as regress.json: what <c>gpuinference regress --out DIR</c> leaves for scripts to read, at full
/// precision (the terminal table rounds to eight digits).
/// <code>
/// {
///   "outcome": "y", "n": 209, "df": 11, "df_residual": 206, "r_squared": 0.21,
///   "covariance": "CR1:village", "clusters": 12, "fixed_effects": [],
///   "small_sample": { "fixef_K": "nested", "adj": true, "cluster_adj": true, "K": 3, "formula": "…" },
///   "coefficients": [ { "term": "(Intercept)", "estimate": …, "se": …, "ci_low": …, "ci_high": …, "p": …, "df": … }, … ]
/// }
/// </code>
/// <c>df</c> is the t reference's degrees of freedom when every coefficient shares it (n − rank, or G − 1 for CR0 and
/// CR1) and null for CR2, whose Bell–McCaffrey df differ by coefficient; each coefficient always carries its own.
/// <c>clusters</c> and <c>small_sample</c> appear only for clustered fits and CR1. A non-finite number is written as null.
/// </summary>
public static class RegressionJson
{
    /// <summary>The file name <c>regress --out</c> writes.</summary>
    public const string FileName = "regress.json";

    /// <summary>
    /// Writes <paramref name="fit"/> to <paramref name="path"/> atomically: into a temporary file beside it, then
    /// renamed over it, so a reader never sees a half-written file and a failed write leaves any older one intact.
    /// </summary>
    public static void Write(OlsResult fit, string outcome, IReadOnlyList<string> fixedEffects, string path)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(fixedEffects);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                Write(json, fit, outcome, fixedEffects);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static void Write(Utf8JsonWriter json, OlsResult fit, string outcome, IReadOnlyList<string> fixedEffects)
    {
        json.WriteStartObject();
        json.WriteString("outcome", outcome);
        json.WriteNumber("n", fit.N);
        double? sharedDf = fit.CovarianceType == CovarianceType.CR2 ? null : fit.DegreesOfFreedom(fit.Names[0]);
        Number(json, "df", sharedDf);
        json.WriteNumber("df_residual", fit.ResidualDegreesOfFreedom);
        Number(json, "r_squared", fit.RSquared);
        json.WriteString("covariance", fit.CovarianceLabel);
        if (fit.ClusterCount is int clusters) json.WriteNumber("clusters", clusters);
        json.WriteStartArray("fixed_effects");
        foreach (string name in fixedEffects) json.WriteStringValue(name);
        json.WriteEndArray();
        if (fit.SmallSample is SmallSampleCorrection rule && fit.SmallSampleParameterCount is int k)
        {
            json.WriteStartObject("small_sample");
            json.WriteString("fixef_K", rule.FixefK.ToString().ToLowerInvariant());
            json.WriteBoolean("adj", rule.Adj);
            json.WriteBoolean("cluster_adj", rule.ClusterAdj);
            json.WriteNumber("K", k);
            json.WriteString("formula", string.Join(" * ", new[] { "CR0", rule.ClusterAdj ? "G/(G-1)" : null, rule.Adj ? "(n-1)/(n-K)" : null }.OfType<string>()));
            json.WriteEndObject();
        }
        json.WriteStartArray("coefficients");
        foreach (string term in fit.Names)
        {
            Estimate e = fit.Estimate(term);
            json.WriteStartObject();
            json.WriteString("term", term);
            Number(json, "estimate", e.Value);
            Number(json, "se", e.StandardError);
            Number(json, "ci_low", e.CiLow);
            Number(json, "ci_high", e.CiHigh);
            Number(json, "p", e.P);
            Number(json, "df", fit.DegreesOfFreedom(term));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }
}
