using System.Globalization;
using System.Text.Json;

namespace LogSidecar.Sources.Events;

/// <summary>
/// Turns an <c>events.k8s.io/v1</c> Event object into the record operators filter on: time of its latest
/// occurrence, level (Warning events are warnings), message, reason, the object it is about, the reporting
/// controller and instance, first and last time, count, and an id of uid and count. Reads both the v1 fields
/// and the deprecated core/v1 ones the API still fills for events written through core/v1.
/// </summary>
internal static class EventRecords
{
    /// <summary>The occurrence the object carries, or null when it is not an Event (no uid).</summary>
    public static EventOccurrence? Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("metadata", out var metadata)
            || String(metadata, "uid") is not { Length: > 0 } uid)
        {
            return null;
        }

        var series = item.TryGetProperty("series", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var count = Number(series, "count") ?? Number(item, "deprecatedCount") ?? Number(item, "count") ?? 1;
        var first = Time(item, "deprecatedFirstTimestamp") ?? Time(item, "firstTimestamp") ?? Time(item, "eventTime") ?? Time(metadata, "creationTimestamp");
        var last = Time(series, "lastObservedTime") ?? Time(item, "deprecatedLastTimestamp") ?? Time(item, "lastTimestamp") ?? Time(item, "eventTime") ?? first
            ?? DateTimeOffset.UnixEpoch;
        var record = Write(item, metadata, uid, count, first ?? last, last);
        return new EventOccurrence(uid, count, last, String(metadata, "resourceVersion") ?? "", record);
    }

    private static byte[] Write(JsonElement item, JsonElement metadata, string uid, long count, DateTimeOffset first, DateTimeOffset last)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", Rfc3339(last));
            var type = String(item, "type") ?? "Normal";
            json.WriteString("level", type == "Warning" ? "warning" : "info");
            json.WriteString("message", String(item, "note") ?? String(item, "message") ?? "");
            json.WriteString("kind", "Event");
            json.WriteString("type", type);
            Copy(json, "reason", item, "reason");
            Copy(json, "namespace", metadata, "namespace");
            Regarding(json, item);
            Copy(json, "action", item, "action");
            var controller = String(item, "reportingController") ?? Nested(item, "deprecatedSource", "component") ?? Nested(item, "source", "component");
            var instance = String(item, "reportingInstance") ?? Nested(item, "deprecatedSource", "host") ?? Nested(item, "source", "host");
            WriteIf(json, "reportingController", controller);
            WriteIf(json, "reportingInstance", instance);
            json.WriteString("firstTime", Rfc3339(first));
            json.WriteString("lastTime", Rfc3339(last));
            json.WriteNumber("count", count);
            json.WriteStartObject("event");
            Copy(json, "name", metadata, "name");
            json.WriteString("uid", uid);
            json.WriteEndObject();
            json.WriteString("recordId", $"{uid}-{count.ToString(CultureInfo.InvariantCulture)}");
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The object the event is about: v1 <c>regarding</c>, or core/v1 <c>involvedObject</c>.</summary>
    private static void Regarding(Utf8JsonWriter json, JsonElement item)
    {
        if (!(item.TryGetProperty("regarding", out var regarding) || item.TryGetProperty("involvedObject", out regarding))
            || regarding.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        json.WriteStartObject("object");
        foreach (var key in (string[])["kind", "namespace", "name", "uid", "fieldPath", "apiVersion"])
        {
            Copy(json, key, regarding, key);
        }

        json.WriteEndObject();
    }

    private static void Copy(Utf8JsonWriter json, string name, JsonElement from, string key) => WriteIf(json, name, String(from, key));

    private static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    private static string? String(JsonElement element, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Nested(JsonElement element, string outer, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(outer, out var inner) ? String(inner, key) : null;

    private static long? Number(JsonElement element, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var value) && value.TryGetInt64(out var number) && number > 0 ? number : null;

    private static DateTimeOffset? Time(JsonElement element, string key) =>
        String(element, key) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    private static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
