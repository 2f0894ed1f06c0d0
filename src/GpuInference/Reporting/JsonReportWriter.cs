using System.Text;
using System.Text.Json;
using GpuInference.Inference;

namespace GpuInference.Reporting;

/// <summary>
/// Writes report.json with <see cref="Utf8JsonWriter"/>: no reflection, so it survives trimming and AOT, and the
/// key order is fixed by this file. Effects are in outcome units (0.0024, not 0.24%). Doubles are written as the
/// shortest text that parses back to the same bits; NaN and infinities, which JSON cannot hold, are written as null.
/// </summary>
public static class JsonReportWriter
{
    /// <summary>Version of the layout below; raised when a key is renamed or removed (adding keys does not).</summary>
    public const int SchemaVersion = 1;

    /// <summary>Writes the report to <paramref name="path"/>, replacing it.</summary>
    public static void WriteFile(AnalysisReport report, string path)
    {
        using var stream = File.Create(path);
        Write(report, stream);
    }

    /// <summary>The report as a JSON string.</summary>
    public static string ToJson(AnalysisReport report)
    {
        using var stream = new MemoryStream();
        Write(report, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the report to <paramref name="stream"/> as indented UTF-8 JSON.</summary>
    public static void Write(AnalysisReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        RunMetadata meta = report.Metadata;

        json.WriteStartObject();
        json.WriteNumber("schema_version", SchemaVersion);
        json.WriteString("version", meta.Version);
        if (meta.CreatedAt is { } created) json.WriteString("created_at", created);
        json.WriteNumber("units", meta.Units);
        json.WriteNumber("nodes", meta.Nodes);
        json.WriteNumber("edges", meta.Edges);
        json.WriteNumber("permutations", meta.Permutations);
        json.WriteNumber("nan_permutations", report.NaNPermutations);
        // As a number when it fits in a double exactly, so that JSON readers that parse numbers as doubles keep it intact.
        if (meta.Seed <= (1UL << 53)) json.WriteNumber("seed", meta.Seed);
        else json.WriteString("seed", meta.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("backend", meta.Backend);
        json.WriteString("device", meta.Device);
        json.WriteNumber("threads", meta.Threads);
        json.WriteNumber("self_loops_dropped", meta.SelfLoopsDropped);
        json.WriteNumber("duplicates_dropped", meta.DuplicatesDropped);

        json.WriteStartObject("inputs");
        foreach (var (role, path) in meta.InputPaths) json.WriteString(role, path);
        json.WriteEndObject();

        json.WriteStartArray("backend_notes");
        foreach (string note in meta.BackendNotes) json.WriteStringValue(note);
        json.WriteEndArray();

        json.WriteStartObject("timings_seconds");
        foreach (var timing in meta.Timings) Number(json, timing.Phase, timing.Elapsed.TotalSeconds);
        json.WriteEndObject();

        json.WriteStartObject("direct");
        foreach (var effect in report.Direct) WriteEffect(json, effect);
        json.WriteEndObject();

        json.WriteStartObject("spillover");
        foreach (var statistic in report.Spillover) WriteSpillover(json, statistic);
        json.WriteEndObject();

        if (report.Totals is { } totals) WriteTotals(json, totals);
        else json.WriteNull("totals");

        json.WriteStartArray("notes");
        foreach (string note in report.Notes) json.WriteStringValue(note);
        json.WriteEndArray();

        json.WriteEndObject();
    }

    private static void WriteEffect(Utf8JsonWriter json, EffectEstimate effect)
    {
        json.WriteStartObject(effect.Name);
        Number(json, "estimate", effect.Estimate);
        Number(json, "se", effect.StandardError);
        Number(json, "ci_low", effect.CiLow);
        Number(json, "ci_high", effect.CiHigh);
        Number(json, "p", effect.P);
        json.WriteNumber("n", effect.N);
        if (effect.Note is not null) json.WriteString("note", effect.Note);
        if (!effect.IsEstimable)
        {
            json.WriteBoolean("estimable", false);
            json.WriteString("not_estimable_reason", effect.NotEstimableReason);
        }
        json.WriteEndObject();
    }

    private static void WriteSpillover(Utf8JsonWriter json, SpilloverStatistic statistic)
    {
        NullDistribution nul = statistic.Null;
        json.WriteStartObject(statistic.Name);
        Number(json, "estimate", statistic.Estimate);
        Number(json, "se", statistic.StandardError);
        WritePValue(json, "p_two_sided", nul.TwoSided);
        WritePValue(json, "p_greater", nul.Greater);
        WritePValue(json, "p_less", nul.Less);
        Number(json, "null_q005", nul.Q005);
        Number(json, "null_q025", nul.Q025);
        Number(json, "null_q975", nul.Q975);
        Number(json, "null_q995", nul.Q995);
        Number(json, "null_mean", nul.Mean);
        Number(json, "null_sd", nul.StandardDeviation);
        json.WriteNumber("permutations_valid", nul.Permutations);
        json.WriteNumber("nan_count", nul.NaNCount);
        json.WriteString("quantile_definition", "R type 7 (linear interpolation between order statistics)");
        json.WriteEndObject();
    }

    // The p-value keeps its flat key (p_two_sided) for readers that want one number; the count and the Monte Carlo
    // interval sit beside it under the same prefix.
    private static void WritePValue(Utf8JsonWriter json, string key, PValue p)
    {
        Number(json, key, p.Value);
        json.WriteNumber(key + "_count", p.Count);
        json.WriteStartArray(key + "_ci");
        Number(json, p.Interval.Low);
        Number(json, p.Interval.High);
        json.WriteEndArray();
    }

    private static void WriteTotals(Utf8JsonWriter json, Totals totals)
    {
        json.WriteStartObject("totals");
        Number(json, "direct", totals.Direct);
        Number(json, "indirect", totals.Indirect);
        Number(json, "total", totals.Total);
        Number(json, "multiplier", totals.Multiplier);
        Number(json, "indirect_share", totals.IndirectShare);
        json.WriteStartObject("inputs");
        Number(json, "ate", totals.AverageTreatmentEffect);
        Number(json, "per_friend_effect", totals.PerFriendEffect);
        Number(json, "mean_close_friends", totals.MeanCloseFriends);
        Number(json, "treated_matched", totals.TreatedMatched);
        Number(json, "match_fraction", totals.MatchFraction);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string key, double value)
    {
        json.WritePropertyName(key);
        Number(json, value);
    }

    // Utf8JsonWriter formats doubles as the shortest round-trippable text (what "R" means on .NET Core 3.0 and later),
    // and throws on NaN and infinities, which JSON cannot represent.
    private static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteNullValue();
    }
}
