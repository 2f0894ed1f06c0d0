using System.Text;
using System.Text.Json;
using GpuInference.Analysis.Testing;

namespace GpuInference.Reporting.Testing;

/// <summary>report.json of <c>gpuinference test</c>: run metadata, every coefficient in model order, and for each tested term its randomization inference.</summary>
public static class NetworkTestJsonWriter
{
    public const int SchemaVersion = 1;

    public static string ToJson(NetworkTestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema_version", SchemaVersion);
            json.WriteString("model", report.Formula);
            json.WriteStartArray("permuted");
            foreach (string column in report.Permuted) json.WriteStringValue(column);
            json.WriteEndArray();
            json.WriteString("design", report.Design);
            json.WriteString("statistic", report.Statistic);
            json.WriteString("covariance", report.Covariance);
            json.WriteString("permutation_covariance", report.PermutationCovariance);
            if (report.FixedEffects is not null) json.WriteString("fixed_effects", report.FixedEffects);
            json.WriteNumber("units", report.Units);
            json.WriteNumber("rows_dropped", report.RowsDropped);
            json.WriteNumber("edges", report.Edges);
            json.WriteNumber("permutations", report.Permutations);
            JsonValues.Seed(json, report.Seed);
            json.WriteString("backend", report.Backend);
            json.WriteNumber("df", report.ResidualDegreesOfFreedom);

            json.WriteStartArray("coefficients");
            foreach (CoefficientReport c in report.Coefficients)
            {
                json.WriteStartObject();
                json.WriteString("term", c.Term);
                JsonValues.Number(json, "estimate", c.Estimate.Value);
                JsonValues.Number(json, "se", c.Estimate.StandardError);
                JsonValues.Number(json, "ci_low", c.Estimate.CiLow);
                JsonValues.Number(json, "ci_high", c.Estimate.CiHigh);
                JsonValues.Number(json, "p", c.Estimate.P);
                if (c.Randomization is not null)
                {
                    json.WriteStartObject("randomization");
                    JsonValues.Number(json, "observed", c.Randomization.Observed);
                    JsonValues.NullSummary(json, c.Randomization);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();

            if (report.Wald is not null)
            {
                json.WriteStartObject("wald");
                JsonValues.Number(json, "observed", report.Wald.Observed);
                // Studentized: V recomputed in every permutation; otherwise the observed fit's V weights them all.
                json.WriteBoolean("studentized", report.Statistic == "t");
                JsonValues.NullSummary(json, report.Wald);
                json.WriteEndObject();
            }
            json.WriteStartArray("notes");
            foreach (string note in report.Notes) json.WriteStringValue(note);
            json.WriteEndArray();
            json.WriteStartObject("timings_seconds");
            foreach ((string phase, double seconds) in report.Timings) json.WriteNumber(phase, seconds);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
