using System.Globalization;
using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// Applies the injector's own add-only patches in place (the offline command). Supports exactly the
/// operations <see cref="PatchBuilder"/> emits; tests check it against an independent RFC 6902 implementation.
/// </summary>
internal static class PatchApplier
{
    public static void Apply(JsonNode document, JsonArray operations)
    {
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || (string?)op["op"] != "add" || op["path"] is null)
            {
                throw new InvalidOperationException($"unsupported patch operation {operation?.ToJsonString()}");
            }

            var tokens = JsonPointer.Parse((string)op["path"]!);
            var parent = document;
            foreach (var token in tokens[..^1])
            {
                parent = parent switch
                {
                    JsonObject map => map[token],
                    JsonArray array => array[int.Parse(token, CultureInfo.InvariantCulture)],
                    _ => null,
                } ?? throw new InvalidOperationException($"patch path {op["path"]} has no parent");
            }

            var last = tokens[^1];
            var value = op["value"]?.DeepClone();
            switch (parent)
            {
                case JsonObject map:
                    map[last] = value;
                    break;
                case JsonArray array when last == "-":
                    array.Add(value);
                    break;
                case JsonArray array:
                    array.Insert(int.Parse(last, CultureInfo.InvariantCulture), value);
                    break;
                default:
                    throw new InvalidOperationException($"patch path {op["path"]} does not point into an object or array");
            }
        }
    }
}
