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
            error = new ConfigError(where, Describe(e));
            return null;
        }
    }

    public static string Write(SidecarConfig config) =>
        JsonSerializer.Serialize(config, SidecarConfigJsonContext.Default.SidecarConfig);

    // System.Text.Json's messages name .NET types; say what the user should do instead.
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown field; check its spelling against the configuration reference in the README";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "wrong type of value (for example a string where a number is expected); see the configuration reference in the README";
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "invalid JSON: " + (cut > 0 ? message[..cut] : message);
    }
}
