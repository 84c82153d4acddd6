using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LogSidecar.Parsing;

/// <summary>
/// Kubernetes audit events (audit.k8s.io/v1 <c>Event</c>, one per line): time from
/// <c>stageTimestamp</c> (else <c>requestReceivedTimestamp</c>), the fields operators filter on,
/// a one-line summary as the message, and severity from the response code (5xx ERROR, 4xx WARN).
/// </summary>
internal sealed class KubernetesAuditParser : IRecordParser
{
    public bool Parse(ParsedRecord record, DateTimeOffset readTime)
    {
        var text = record.Source;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.ToArray());
        }
        catch (JsonException e)
        {
            record.Error = "invalid JSON: " + e.Message.Split(" Path:", 2)[0];
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.GetString() != "Event")
            {
                record.Error = "not an audit event (kind Event)";
                return false;
            }

            if ((Get(root, "stageTimestamp") ?? Get(root, "requestReceivedTimestamp")) is { } stamp
                && TimestampParser.TryIso(Encoding.UTF8.GetBytes(stamp), out var time))
            {
                record.Time = time;
            }

            var verb = Get(root, "verb");
            var user = Get(root, "user", "username");
            var resource = Get(root, "objectRef", "resource");
            var subresource = Get(root, "objectRef", "subresource");
            var ns = Get(root, "objectRef", "namespace");
            var name = Get(root, "objectRef", "name");
            var code = root.TryGetProperty("responseStatus", out var status) && status.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : (int?)null;
            record.Severity = code switch { >= 500 => Severity.Error, >= 400 => Severity.Warn, _ => Severity.Info };

            var target = string.Join('/', new[] { ns, name }.Where(part => part is not null));
            var summary = $"{verb} {resource}{(subresource is null ? "" : "/" + subresource)} {target} by {user}{(code is null ? "" : string.Create(CultureInfo.InvariantCulture, $" -> {code}"))}";
            record.SetMessage(Encoding.UTF8.GetBytes(summary.Replace("  ", " ", StringComparison.Ordinal)), escaped: false);

            Text(record, "auditID"u8, Get(root, "auditID"));
            Text(record, "stage"u8, Get(root, "stage"));
            Text(record, "verb"u8, verb);
            Text(record, "user.username"u8, user);
            Text(record, "requestURI"u8, Get(root, "requestURI"));
            if (root.TryGetProperty("sourceIPs", out var ips))
            {
                record.AddField("sourceIPs"u8, Encoding.UTF8.GetBytes(ips.GetRawText()), Kind(ips.ValueKind));
            }

            Text(record, "objectRef.resource"u8, resource);
            Text(record, "objectRef.subresource"u8, subresource);
            Text(record, "objectRef.namespace"u8, ns);
            Text(record, "objectRef.name"u8, name);
            if (code is { } value)
            {
                record.AddField("responseStatus.code"u8, Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture)), FieldKind.Number);
            }

            return true;
        }
    }

    private static void Text(ParsedRecord record, ReadOnlySpan<byte> key, string? value)
    {
        if (value is not null)
        {
            record.AddField(key, Encoding.UTF8.GetBytes(value), FieldKind.Text);
        }
    }

    private static FieldKind Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => FieldKind.Object,
        JsonValueKind.Array => FieldKind.Array,
        JsonValueKind.String => FieldKind.String,
        JsonValueKind.Number => FieldKind.Number,
        JsonValueKind.True => FieldKind.True,
        JsonValueKind.False => FieldKind.False,
        _ => FieldKind.Null,
    };

    private static string? Get(JsonElement element, params string[] path)
    {
        foreach (var part in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }
}
