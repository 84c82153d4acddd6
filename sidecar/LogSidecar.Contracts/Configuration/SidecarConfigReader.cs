using System.Globalization;
using System.Text.Json;

namespace LogSidecar.Contracts.Configuration;

/// <summary>Reads and writes the configuration's JSON form; the injector writes what the sidecar reads.</summary>
public static class SidecarConfigReader
{
    /// <summary>Parses <paramref name="json"/>; on failure returns null and an error naming where the JSON is wrong.</summary>
    public static SidecarConfig? Parse(string json, string source, out ConfigError? error)
    {
        try
        {
            var config = JsonSerializer.Deserialize(json, SidecarConfigJsonContext.Default.SidecarConfig);
            error = config is null ? new ConfigError(source, "the configuration is JSON null; give an object with at least \"streams\"") : null;
            return config;
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) ? source : $"{source} at {e.Path}";
            error = new ConfigError(where, Describe(e, json));
            return null;
        }
    }

    public static string Write(SidecarConfig config) =>
        JsonSerializer.Serialize(config, SidecarConfigJsonContext.Default.SidecarConfig);

    // System.Text.Json's messages name .NET types; say what the user should do instead.
    private static string Describe(JsonException e, string json)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown field; check its spelling against the configuration reference in the README";
        }

        if (message.Contains("could not be converted to System.Int32", StringComparison.Ordinal) && NumberAt(json, e.Path) is { } number)
        {
            // A number the field cannot hold is not a type mistake: say what is wrong with it.
            return number.AsSpan().IndexOfAny(".eE") >= 0
                ? $"{number} is not a plain whole number; write it without a fraction or exponent"
                : $"{number} is out of range; give a whole number from {int.MinValue} to {int.MaxValue} (and within the field's own limits in the configuration reference)";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "wrong type of value (for example a string where a number is expected); see the configuration reference in the README";
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "invalid JSON: " + (cut > 0 ? message[..cut] : message);
    }

    /// <summary>The raw text of the number at <paramref name="path"/> (as System.Text.Json writes paths: <c>$.a[0].b</c>, <c>$['a.b']</c>), or null when it is not a number.</summary>
    private static string? NumberAt(string json, string? path)
    {
        if (path is null || !path.StartsWith('$'))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            // The reader stopped at the number; the text after it is broken too. The generic message will do.
            return null;
        }

        using var owned = document;
        var at = document.RootElement;
        for (var i = 1; i < path.Length;)
        {
            if (path[i] == '.' || path.AsSpan(i).StartsWith("['"))
            {
                var quoted = path[i] == '[';
                var start = i + (quoted ? 2 : 1);
                var end = quoted ? path.IndexOf("']", start, StringComparison.Ordinal) : path.IndexOfAny(['.', '['], start);
                end = end < 0 ? path.Length : end;
                if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(path[start..end], out at))
                {
                    return null;
                }

                i = end + (quoted ? 2 : 0);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    || at.ValueKind != JsonValueKind.Array || index >= at.GetArrayLength())
                {
                    return null;
                }

                at = at[index];
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return at.ValueKind == JsonValueKind.Number ? at.GetRawText() : null;
    }
}
