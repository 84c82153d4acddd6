using System.Globalization;
using System.Text;
using System.Text.Json;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Protobuf;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// Reads what an OTLP/HTTP collector answers: <c>ExportLogsServiceResponse.partial_success</c>
/// (field 1: <c>rejected_log_records</c> = 1, <c>error_message</c> = 2) after a 200, and the
/// <c>google.rpc.Status</c> message (field 2) of a failure, falling back to the body's text.
/// </summary>
internal static class OtlpLogsAnswer
{
    private const int MaxQuoted = 1024;

    /// <summary>
    /// The records a 200 answer says were rejected, or null when none was. The collector does not
    /// say which ones: the count is dead-lettered as one line, and nothing is sent again.
    /// </summary>
    public static UnattributedRejection? PartialSuccess(ReadOnlySpan<byte> answer, int sent)
    {
        var response = new ProtobufReader(answer);
        while (response.Next())
        {
            if (response.Field != 1 || response.WireType != ProtobufWriter.LengthDelimitedType)
            {
                continue;
            }

            long rejected = 0;
            var message = "";
            var partial = new ProtobufReader(response.Bytes);
            while (partial.Next())
            {
                if (partial.Field == 1 && partial.WireType == ProtobufWriter.VarintType)
                {
                    rejected = (long)partial.Number;
                }
                else if (partial.Field == 2 && partial.WireType == ProtobufWriter.LengthDelimitedType)
                {
                    message = Quote(partial.Bytes);
                }
            }

            if (rejected <= 0)
            {
                return null;
            }

            var count = (int)Math.Min(rejected, sent);
            return new UnattributedRejection(count, "partial_success", string.Create(
                CultureInfo.InvariantCulture,
                $"the collector accepted the request but rejected {rejected} of its {sent} log records (OTLP partial_success): {(message.Length == 0 ? "(no message)" : message)}. It does not say which, so none is sent again (that would duplicate the stored ones); find them among the request's records listed here"));
        }

        return null;
    }

    /// <summary>The google.rpc.Status message of a failure, else the body as text (a proxy's page, a JSON status).</summary>
    public static string StatusMessage(ReadOnlySpan<byte> answer, string? mediaType)
    {
        if (answer.IsEmpty)
        {
            return "(no message)";
        }

        if (mediaType is "application/x-protobuf" or "application/protobuf")
        {
            var status = new ProtobufReader(answer);
            while (status.Next())
            {
                if (status.Field == 2 && status.WireType == ProtobufWriter.LengthDelimitedType)
                {
                    return Quote(status.Bytes);
                }
            }
        }

        if (mediaType == "application/json")
        {
            try
            {
                using var json = JsonDocument.Parse(answer.ToArray());
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Not the JSON status it claims to be: quoted as text below.
            }
        }

        return Quote(answer);
    }

    private static string Quote(ReadOnlySpan<byte> text)
    {
        var cut = text.Length > MaxQuoted;
        var quoted = Encoding.UTF8.GetString(cut ? text[..MaxQuoted] : text).Trim();
        return cut ? quoted + "..." : quoted;
    }
}
