using System.Buffers;
using System.Text;
using System.Text.Json;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// Renders the sidecar configuration for <c>LOGSIDECAR_CONFIG</c> with <see cref="SidecarConfigReader.Write"/>,
/// then leaves out every field equal to the sidecar's own default, so the pod spec shows only what was
/// chosen and a sidecar default changed later is not frozen into pods; <c>metrics</c> alone is written
/// whole, because the pod spec declares and probes that port.
/// </summary>
/// <remarks>
/// This runs once per injected pod, so it streams: the rendered document is walked as <see cref="JsonElement"/>s
/// and copied to a <see cref="Utf8JsonWriter"/>, skipping defaults, instead of being built and pruned as a
/// mutable node tree. The defaults are rendered once; JsonElements are immutable, so sharing them between
/// concurrent requests is safe (a lazily materialized JsonObject would not be).
/// </remarks>
internal static class ConfigRenderer
{
    private static readonly JsonElement Defaults = RenderDefaults();

    // Lists of objects whose items are pruned against a default item, keeping the fields that say what the item is.
    private static readonly (string Name, JsonElement Default, string[] Keep)[] Lists =
    [
        ("streams", Defaults.GetProperty("streams")[0], ["name", "paths"]),
        ("sinks", Defaults.GetProperty("sinks")[0], ["type", "endpoint"]),
    ];

    // Written whole, defaults included: the pod declares this port, probes it and may expose it on the node
    // (hostNetwork), so it must not depend on the default of whichever sidecar image version the pod runs.
    private const string Metrics = "metrics";

    public static string Render(SidecarConfig config)
    {
        using var rendered = JsonDocument.Parse(SidecarConfigReader.Write(config));
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in rendered.RootElement.EnumerateObject())
            {
                var list = Array.FindIndex(Lists, list => property.NameEquals(list.Name));
                if (property.NameEquals(Metrics))
                {
                    property.WriteTo(writer);
                }
                else if (list >= 0 && property.Value.ValueKind == JsonValueKind.Array)
                {
                    if (property.Value.GetArrayLength() == 0)
                    {
                        // An empty list is the default.
                        continue;
                    }

                    writer.WritePropertyName(property.Name);
                    writer.WriteStartArray();
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        WritePruned(writer, item, Lists[list].Default, Lists[list].Keep);
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    WriteUnlessDefault(writer, property, Defaults, []);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WritePruned(Utf8JsonWriter writer, JsonElement value, JsonElement defaults, string[] keep)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            value.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var property in value.EnumerateObject())
        {
            WriteUnlessDefault(writer, property, defaults, keep);
        }

        writer.WriteEndObject();
    }

    private static void WriteUnlessDefault(Utf8JsonWriter writer, JsonProperty property, JsonElement defaults, string[] keep)
    {
        if (keep.Contains(property.Name, StringComparer.Ordinal) || !defaults.TryGetProperty(property.Name, out var fallback))
        {
            property.WriteTo(writer);
        }
        else if (JsonElement.DeepEquals(property.Value, fallback))
        {
            // Equal to the sidecar's default: left out.
        }
        else if (property.Value.ValueKind == JsonValueKind.Object && fallback.ValueKind == JsonValueKind.Object)
        {
            // An object that differs somewhere: keep it, without the members that are defaults (it may end up empty, as before).
            writer.WritePropertyName(property.Name);
            WritePruned(writer, property.Value, fallback, []);
        }
        else
        {
            property.WriteTo(writer);
        }
    }

    private static JsonElement RenderDefaults()
    {
        using var document = JsonDocument.Parse(SidecarConfigReader.Write(new SidecarConfig { Streams = [new StreamConfig { Multiline = new MultilineConfig() }], Sinks = [new SinkConfig()] }));
        return document.RootElement.Clone();
    }
}
