using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Mutation;

/// <summary>Safe reads of raw JSON values.</summary>
internal static class JsonText
{
    /// <summary>The string value of <paramref name="node"/>, or null when it is absent or not a string.</summary>
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
