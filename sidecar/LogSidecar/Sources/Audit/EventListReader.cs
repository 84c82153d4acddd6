using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// Checks that a request body is an <c>audit.k8s.io/v1</c> EventList and turns its items into spool
/// lines: one compact JSON object per event, with the <c>kind</c> and <c>apiVersion</c> the items of a
/// list leave out (the <c>k8s-audit</c> format reads them). All or nothing: any problem and no line is produced.
/// </summary>
internal static class EventListReader
{
    public const string ApiVersion = "audit.k8s.io/v1";

    // Request and response objects are logged whole at RequestResponse level; custom resources nest deep.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    private static readonly JsonWriterOptions LineOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes the events' lines to <paramref name="lines"/>; null and the number of events, or what is wrong with the body.</summary>
    public static string? Read(ReadOnlyMemory<byte> body, ArrayBufferWriter<byte> lines, out int events)
    {
        events = 0;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            return $"the body is not valid JSON ({e.Message.Split(" Path:", 2)[0]}); send an audit.k8s.io/v1 EventList";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"the body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object; send an audit.k8s.io/v1 EventList";
            }

            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            var apiVersion = root.TryGetProperty("apiVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (kind != "EventList" || apiVersion != ApiVersion)
            {
                return $"the body is kind {kind ?? "(none)"}, apiVersion {apiVersion ?? "(none)"}, not an {ApiVersion} EventList; set the API server's --audit-webhook-version to {ApiVersion}";
            }

            if (!root.TryGetProperty("items", out var items) || items.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (items.ValueKind != JsonValueKind.Array)
            {
                return "items is not a list of events";
            }

            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return $"items[{index}] is not an event object";
                }

                index++;
            }

            using var writer = new Utf8JsonWriter(lines, LineOptions);
            foreach (var item in items.EnumerateArray())
            {
                writer.WriteStartObject();
                writer.WriteString("kind"u8, "Event"u8);
                writer.WriteString("apiVersion"u8, "audit.k8s.io/v1"u8);
                foreach (var property in item.EnumerateObject())
                {
                    if (!property.NameEquals("kind"u8) && !property.NameEquals("apiVersion"u8))
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
                writer.Flush();
                lines.Write("\n"u8);
                writer.Reset(lines);
                events++;
            }

        }

        return null;
    }
}
