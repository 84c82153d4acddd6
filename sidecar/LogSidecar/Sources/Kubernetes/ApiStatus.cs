using System.Text;
using System.Text.Json;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>Reads the API's Status objects (the body of an error answer, or the object of a watch ERROR event).</summary>
internal static class ApiStatus
{
    /// <summary>The Status's message, or the body's first bytes when it is not a Status.</summary>
    public static string MessageOf(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return MessageOf(document.RootElement);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body[..Math.Min(body.Length, 200)]);
        }
    }

    public static string MessageOf(JsonElement status) =>
        status.ValueKind == JsonValueKind.Object && status.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
            ? message.GetString()!
            : status.ToString();

    /// <summary>The Status's code (410 for a resourceVersion too old), or 0.</summary>
    public static int CodeOf(JsonElement status) =>
        status.ValueKind == JsonValueKind.Object && status.TryGetProperty("code", out var code) && code.TryGetInt32(out var value) ? value : 0;
}
