using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogSidecar.Tests.Sinks;

/// <summary>Starts the real sidecar shipping the --path file to one backend, with fast retries so faults play out quickly.</summary>
internal static class ShippingSidecar
{
    /// <summary>The downward-API variables the injector sets, for tests that check pod metadata.</summary>
    public static readonly Dictionary<string, string> Pod = new(StringComparer.Ordinal)
    {
        ["POD_NAMESPACE"] = "shop",
        ["POD_NAME"] = "web-7d9f",
        ["POD_UID"] = "6f1c2a54-0d7e-4b8e-9a43-2f1b8e0c7d11",
        ["NODE_NAME"] = "node-a",
        ["CONTAINER_NAME"] = "web",
    };

    /// <summary>A JSON log line as an app writes one.</summary>
    public static string JsonLine(DateTimeOffset time, string level, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["ts"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture), ["level"] = level, ["msg"] = message });

    /// <summary>The dead-letter lines among the sidecar's stderr.</summary>
    public static List<JsonObject> DeadLetters(string stderr) =>
        [.. stderr.Split('\n').Where(l => l.StartsWith('{') && l.Contains("\"component\":\"dead-letter\"", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l)!.AsObject())];

    /// <summary>The sink's fields on top of quick retry and flush settings; <paramref name="flags"/> (such as --format) and <paramref name="environment"/> (pod metadata) go to the process as they are.</summary>
    public static SidecarProcess Start(TempDirectory dir, string log, JsonObject sink, string mode = "ship", bool once = false, IEnumerable<string>? flags = null, IDictionary<string, string>? environment = null)
    {
        var fast = new JsonObject
        {
            ["flushIntervalMs"] = 50,
            ["retryInitialMs"] = 20,
            ["retryMaxMs"] = 200,
            ["timeoutMs"] = 5000,
        };
        foreach (var (key, value) in sink)
        {
            fast[key] = value?.DeepClone();
        }

        var config = new JsonObject { ["mode"] = mode, ["sinks"] = new JsonArray(fast) };
        var file = dir.File("config.json");
        File.WriteAllText(file, config.ToJsonString());
        List<string> args = ["--config", file, "--path", log, "--checkpoint-dir", dir.File("state")];
        if (once)
        {
            args.Add("--once");
        }

        args.AddRange(flags ?? []);
        return SidecarProcess.Start(args, environment: environment);
    }
}
