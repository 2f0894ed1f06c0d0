using System.Text.Json;
using GpuInference.Inference;

namespace GpuInference.Reporting;

/// <summary>The number and p-value conventions every JSON report shares.</summary>
internal static class JsonValues
{
    public static void Number(Utf8JsonWriter json, string key, double value)
    {
        json.WritePropertyName(key);
        Number(json, value);
    }

    // Utf8JsonWriter formats doubles as the shortest round-trippable text (what "R" means on .NET Core 3.0 and later),
    // and throws on NaN and infinities, which JSON cannot represent.
    public static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteNullValue();
    }

    // The p-value keeps its flat key (p_two_sided) for readers that want one number; the count and the Monte Carlo
    // interval sit beside it under the same prefix.
    public static void PValue(Utf8JsonWriter json, string key, PValue p)
    {
        Number(json, key, p.Value);
        json.WriteNumber(key + "_count", p.Count);
        json.WriteStartArray(key + "_ci");
        Number(json, p.Interval.Low);
        Number(json, p.Interval.High);
        json.WriteEndArray();
    }

    /// <summary>The seed as a number when a double holds it exactly, else as text, so that no reader rounds it.</summary>
    public static void Seed(Utf8JsonWriter json, ulong seed)
    {
        if (seed <= (1UL << 53)) json.WriteNumber("seed", seed);
        else json.WriteString("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A null distribution's p-values (with their counts and intervals) and quantiles.</summary>
    public static void NullSummary(Utf8JsonWriter json, NullDistribution nul)
    {
        PValue(json, "p_two_sided", nul.TwoSided);
        PValue(json, "p_greater", nul.Greater);
        PValue(json, "p_less", nul.Less);
        Number(json, "null_q005", nul.Q005);
        Number(json, "null_q025", nul.Q025);
        Number(json, "null_q975", nul.Q975);
        Number(json, "null_q995", nul.Q995);
        Number(json, "null_mean", nul.Mean);
        Number(json, "null_sd", nul.StandardDeviation);
        json.WriteNumber("permutations_valid", nul.Permutations);
        json.WriteNumber("nan_count", nul.NaNCount);
        json.WriteString("quantile_definition", "R type 7 (linear interpolation between order statistics)");
    }
}
