using System.Text.Json.Nodes;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>The injector's config.json as a kustomization renders it into the ConfigMap.</summary>
public static class InjectorConfig
{
    public const string ConfigMapName = "logsidecar-injector-config";

    public static async Task<string> TextAsync(string kustomization)
    {
        var configMap = await Kustomize.DocumentAsync(kustomization, "ConfigMap", ConfigMapName);
        return (string?)configMap["data"]?["config.json"] ?? throw new InvalidDataException($"{kustomization}: the ConfigMap has no config.json");
    }

    public static async Task<JsonObject> ReadAsync(string kustomization) =>
        JsonNode.Parse(await TextAsync(kustomization)) as JsonObject ?? throw new InvalidDataException($"{kustomization}: config.json is not an object");

    /// <summary>Writes the config of <paramref name="kustomization"/> into <paramref name="directory"/> for <c>--config</c>.</summary>
    public static async Task<string> WriteAsync(string kustomization, TempDirectory directory)
    {
        var file = directory.File($"{kustomization}-config.json");
        await File.WriteAllTextAsync(file, await TextAsync(kustomization));
        return file;
    }
}
