using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// Builds add-only JSON Patch operations against the raw pod JSON: a missing parent map or array is
/// created by one <c>add</c> that carries the new content, an existing one is appended to. Nothing
/// is ever replaced or removed, so fields the typed model does not know survive.
/// </summary>
internal sealed class PatchBuilder
{
    private readonly JsonArray _operations = [];

    // Maps and arrays this patch creates: later additions go into them instead of replacing them.
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);

    public JsonArray Operations => _operations;

    /// <summary>Sets <paramref name="key"/> in the map at <paramref name="parentTokens"/> under <paramref name="parent"/>; creates the map if absent.</summary>
    public void AddToMap(JsonObject parent, string[] parentTokens, string mapName, string key, JsonNode value)
    {
        var map = JsonPointer.Of([.. parentTokens, mapName]);
        if (parent[mapName] is JsonObject || _created.Contains(map))
        {
            Add(JsonPointer.Of([.. parentTokens, mapName, key]), value);
        }
        else
        {
            Add(map, new JsonObject { [key] = value });
            _created.Add(map);
        }
    }

    /// <summary>Appends to the array <paramref name="arrayName"/> of <paramref name="parent"/>; creates the array if absent.</summary>
    public void AppendToArray(JsonObject parent, string[] parentTokens, string arrayName, JsonNode value)
    {
        var array = JsonPointer.Of([.. parentTokens, arrayName]);
        if (parent[arrayName] is JsonArray || _created.Contains(array))
        {
            Add(array + "/-", value);
        }
        else
        {
            Add(array, new JsonArray(value));
            _created.Add(array);
        }
    }

    /// <summary>Adds <paramref name="value"/> at <paramref name="path"/> (an escaped JSON pointer).</summary>
    public void Add(string path, JsonNode value) =>
        _operations.Add(new JsonObject { ["op"] = "add", ["path"] = path, ["value"] = value });
}
