using System.Text;
using System.Text.Json;
using GpuInference.Inference;
using GpuInference.Analysis;

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
        JsonValues.Seed(json, meta.Seed);
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
        json.WriteStartObject(statistic.Name);
        Number(json, "estimate", statistic.Estimate);
        Number(json, "se", statistic.StandardError);
        JsonValues.NullSummary(json, statistic.Null);
        json.WriteEndObject();
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

    private static void Number(Utf8JsonWriter json, string key, double value) => JsonValues.Number(json, key, value);

    private static void Number(Utf8JsonWriter json, double value) => JsonValues.Number(json, value);
}
