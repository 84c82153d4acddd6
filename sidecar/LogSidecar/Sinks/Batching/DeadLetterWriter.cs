using System.Buffers;
using System.Text.Json;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// The dead-letter output: one JSON line on stderr per record a backend refused for good, with the
/// sink, the reason in the backend's words, where the record came from and the record itself, so
/// it can be found, fixed and replayed. One writer serves every sink, and sinks flush concurrently.
/// </summary>
internal sealed class DeadLetterWriter(TextWriter stderr, TimeProvider time)
{
    // Keeps _line to one dead letter at a time, from its first byte until it is on stderr:
    // sinks settle their requests on different threads at once.
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _line = new(1024);

    public void Write(string sink, string reason, ShipItems items, in ShipItem item, IBackendProtocol protocol)
    {
        lock (_lock)
        {
            WriteLocked(sink, reason, items, item, protocol);
        }
    }

    /// <summary>
    /// One line for records the backend dropped without naming them: the count, the reason and,
    /// per file, the offsets of the request's first and last record, where the dropped ones are.
    /// </summary>
    public void WriteUnattributed(string sink, UnattributedRejection rejection, ShipItems items, IReadOnlyList<int> request)
    {
        lock (_lock)
        {
            WriteUnattributedLocked(sink, rejection, items, request);
        }
    }

    private void WriteLocked(string sink, string reason, ShipItems items, in ShipItem item, IBackendProtocol protocol)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line))
        {
            WriteHeader(json, sink, reason);
            json.WriteString("file", item.File.Path);
            json.WriteNumber("offset", item.Id.Offset);
            json.WritePropertyName("record");
            protocol.WriteDeadLetter(items, item, json);
            json.WriteEndObject();
        }

        // The same synchronized writer as the diagnostics, one call per line, so lines never interleave.
        stderr.WriteLine(System.Text.Encoding.UTF8.GetString(_line.WrittenSpan));
    }

    private void WriteUnattributedLocked(string sink, UnattributedRejection rejection, ShipItems items, IReadOnlyList<int> request)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line))
        {
            WriteHeader(json, sink, rejection.Reason);
            json.WriteNumber("rejected_records", rejection.Records);
            json.WriteNumber("request_records", request.Count);
            json.WriteStartArray("request");
            for (var i = 0; i < request.Count;)
            {
                var first = items[request[i]];
                var last = first;
                for (i++; i < request.Count && ReferenceEquals(items[request[i]].File, first.File); i++)
                {
                    last = items[request[i]];
                }

                json.WriteStartObject();
                json.WriteString("file", first.File.Path);
                json.WriteNumber("first_offset", first.Id.Offset);
                json.WriteNumber("last_offset", last.Id.Offset);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stderr.WriteLine(System.Text.Encoding.UTF8.GetString(_line.WrittenSpan));
    }

    /// <summary>Opens the line with what every dead letter has, in the diagnostics' layout.</summary>
    private void WriteHeader(Utf8JsonWriter json, string sink, string reason)
    {
        json.WriteStartObject();
        json.WriteString("time", time.GetUtcNow().UtcDateTime);
        json.WriteString("level", "error");
        json.WriteString("source", "logsidecar");
        json.WriteString("component", "dead-letter");
        json.WriteString("sink", sink);
        json.WriteString("reason", reason);
    }
}
