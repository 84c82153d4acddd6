using System.Text.Json.Nodes;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// Renders the sidecar configuration for <c>LOGSIDECAR_CONFIG</c> with <see cref="SidecarConfigReader.Write"/>,
/// then leaves out every field equal to the sidecar's own default, so the pod spec shows only what was
/// chosen and a sidecar default changed later is not frozen into pods.
/// </summary>
internal static class ConfigRenderer
{
    private static readonly string[] RequiredStreamFields = ["name", "paths"];

    public static string Render(SidecarConfig config)
    {
        var rendered = JsonNode.Parse(SidecarConfigReader.Write(config))!.AsObject();
        var defaults = JsonNode.Parse(SidecarConfigReader.Write(new SidecarConfig { Streams = [new StreamConfig { Multiline = new MultilineConfig() }] }))!.AsObject();
        var defaultStream = defaults["streams"]![0]!.AsObject();
        defaults.Remove("streams");
        Prune(rendered, defaults, []);
        if (rendered["streams"] is JsonArray streams)
        {
            foreach (var stream in streams.OfType<JsonObject>())
            {
                Prune(stream, defaultStream, RequiredStreamFields);
            }
        }

        return rendered.ToJsonString();
    }

    private static void Prune(JsonObject value, JsonObject defaults, string[] keep)
    {
        foreach (var (name, node) in value.ToList())
        {
            if (keep.Contains(name, StringComparer.Ordinal) || !defaults.TryGetPropertyValue(name, out var fallback))
            {
                continue;
            }

            if (JsonNode.DeepEquals(node, fallback))
            {
                value.Remove(name);
            }
            else if (node is JsonObject child && fallback is JsonObject childDefaults)
            {
                Prune(child, childDefaults, []);
            }
        }
    }
}
