using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// Reads a document into the KubernetesClient model of its apiVersion and kind and reports every
/// field the model does not know: the document's JSON is compared with the model written back, so a
/// misspelled or misplaced field (which the API server would drop or reject) fails the test.
/// </summary>
public static class KubernetesModels
{
    private static readonly MethodInfo Deserialize = typeof(KubernetesJson).GetMethods()
        .Single(method => method.Name == nameof(KubernetesJson.Deserialize) && method.GetParameters() is [{ ParameterType: var first }, _] && first == typeof(string));

    // (apiVersion, kind) -> model type, from the [KubernetesEntity] attribute of every generated model.
    private static readonly Dictionary<(string ApiVersion, string Kind), Type> Types = typeof(V1Pod).Assembly.GetTypes()
        .Select(type => (Type: type, Entity: type.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(pair => pair.Entity is { Kind.Length: > 0 })
        .GroupBy(pair => (ApiVersion: string.IsNullOrEmpty(pair.Entity!.Group) ? pair.Entity.ApiVersion : $"{pair.Entity.Group}/{pair.Entity.ApiVersion}", pair.Entity.Kind))
        .ToDictionary(group => group.Key, group => group.First().Type);

    public static bool IsKnown(JsonObject document) => Types.ContainsKey(Key(document));

    /// <summary>The typed model of <paramref name="document"/>; fails the test on an unknown kind or field.</summary>
    public static object Read(JsonObject document)
    {
        var key = Key(document);
        Assert.True(Types.TryGetValue(key, out var type), $"no KubernetesClient model for {key.ApiVersion} {key.Kind}");
        var json = document.ToJsonString();
        object model;
        try
        {
            model = Deserialize.MakeGenericMethod(type).Invoke(null, [json, null])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is JsonException or FormatException)
        {
            Assert.Fail($"{Describe(document)} does not read as {type.Name}: {e.InnerException.Message}");
            throw;
        }

        var written = JsonNode.Parse(KubernetesJson.Serialize(model))!;
        var unknown = new List<string>();
        CollectUnknown(document, written, "", unknown);
        Assert.True(unknown.Count == 0, $"{Describe(document)} has fields the {type.Name} model does not know (or values it changes): {string.Join(", ", unknown)}");
        return model;
    }

    public static T Read<T>(JsonObject document) => Assert.IsType<T>(Read(document));

    public static string Describe(JsonObject document) => $"{(string?)document["kind"]} {(string?)document["metadata"]?["namespace"]}/{(string?)document["metadata"]?["name"]}";

    private static (string ApiVersion, string Kind) Key(JsonObject document) => ((string?)document["apiVersion"] ?? "", (string?)document["kind"] ?? "");

    // Every field of the original must come back with the same value. Scalars compare by text, so
    // 8443 and "8443" (IntOrString) or 1 and "1" (a quantity) are the same value.
    private static void CollectUnknown(JsonNode? original, JsonNode? written, string path, List<string> unknown)
    {
        switch (original)
        {
            case JsonObject originalObject:
                foreach (var (name, value) in originalObject)
                {
                    if (written is not JsonObject writtenObject || !writtenObject.TryGetPropertyValue(name, out var writtenValue))
                    {
                        // An empty object or list and null carry nothing the model could drop.
                        if (value is not (null or JsonObject { Count: 0 } or JsonArray { Count: 0 }))
                        {
                            unknown.Add($"{path}.{name}");
                        }

                        continue;
                    }

                    CollectUnknown(value, writtenValue, $"{path}.{name}", unknown);
                }

                break;
            case JsonArray originalArray:
                if (written is not JsonArray writtenArray || writtenArray.Count != originalArray.Count)
                {
                    unknown.Add($"{path}[]");
                    break;
                }

                for (var i = 0; i < originalArray.Count; i++)
                {
                    CollectUnknown(originalArray[i], writtenArray[i], $"{path}[{i}]", unknown);
                }

                break;
            case JsonValue originalValue:
                if (written is not JsonValue writtenValue2 || Text(originalValue) != Text(writtenValue2))
                {
                    unknown.Add($"{path} ({originalValue.ToJsonString()} became {written?.ToJsonString() ?? "nothing"})");
                }

                break;
        }
    }

    private static string Text(JsonValue value) => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
}
