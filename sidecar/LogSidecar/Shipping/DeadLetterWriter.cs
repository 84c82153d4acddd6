using System.Buffers;
using System.Text.Json;

namespace LogSidecar.Shipping;

/// <summary>
/// The dead-letter output: one JSON line on stderr per record a backend refused for good, with the
/// sink, the reason in the backend's words, where the record came from and the record itself, so
/// it can be found, fixed and replayed.
/// </summary>
internal sealed class DeadLetterWriter(TextWriter stderr, TimeProvider time)
{
    private readonly ArrayBufferWriter<byte> _line = new(1024);

    public void Write(string sink, string reason, ShipItems items, in ShipItem item, IBackendProtocol protocol)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line))
        {
            json.WriteStartObject();
            json.WriteString("time", time.GetUtcNow().UtcDateTime);
            json.WriteString("level", "error");
            json.WriteString("source", "logsidecar");
            json.WriteString("component", "dead-letter");
            json.WriteString("sink", sink);
            json.WriteString("reason", reason);
            json.WriteString("file", item.File.Path);
            json.WriteNumber("offset", item.Id.Offset);
            json.WritePropertyName("record");
            protocol.WriteDeadLetter(items, item, json);
            json.WriteEndObject();
        }

        // The same synchronized writer as the diagnostics, one call per line, so lines never interleave.
        stderr.WriteLine(System.Text.Encoding.UTF8.GetString(_line.WrittenSpan));
    }
}
