using System.Text.Json.Nodes;

namespace LogSidecar.Tests.Shipping;

/// <summary>Starts the real sidecar shipping the --path file to one backend, with fast retries so faults play out quickly.</summary>
internal static class ShippingSidecar
{
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
