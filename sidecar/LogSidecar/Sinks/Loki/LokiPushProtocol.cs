using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using LogSidecar.Parsing;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Loki;

/// <summary>
/// Loki's push API (<c>POST /loki/api/v1/push</c>, JSON): records are grouped into streams by their
/// label set (<see cref="LokiLabelSets"/>, bounded: never a per-line value), each entry is the
/// record's time in nanoseconds and its stdout JSON object as the line, so LogQL's <c>| json</c>
/// finds every field. The line is escaped as a JSON string once, when the record is encoded.
/// Loki answers a request as a whole: see <see cref="LokiPushAnswer"/>. (<see cref="LokiProtobufProtocol"/>
/// sends the same entries as protobuf and snappy.)
/// </summary>
internal sealed class LokiPushProtocol(Uri endpoint, LokiLabelSets labels, JsonRecordFormatter formatter, TimeProvider time) : IBackendProtocol
{
    // An entry around the escaped line: ["<up to 20 digits>","..."], plus a stream's header and trailer share.
    private const int EntryOverhead = 32;

    private readonly OutputBuffer _line = new(Stream.Null, 64 * 1024);
    private readonly List<(int Group, int Index)> _order = [];
    private readonly JsonStringBody _deadLetterText = new();

    public Uri Target { get; } = new(endpoint, "loki/api/v1/push");

    public string ContentType => "application/json";

    // The formatter writes no raw control characters, so escaping its JSON at most doubles it (" and \).
    public int WorstCaseBytes(PreparedRecord record) => (2 * formatter.WorstCaseBytes(record)) + EntryOverhead;

    public void Encode(PreparedRecord record, ShipItems items)
    {
        _line.Rewind(0);
        formatter.Write(record, _line);
        var json = _line.Slice(0, _line.Length).TrimEnd((byte)'\n');
        var start = items.Bytes.Length;
        var written = JsonEscaper.Escape(json, items.Bytes.GetSpan(JsonEscaper.MaxOutputLength(json)));
        items.Bytes.Advance(written);
        items.Add(new ShipItem(start, written, UnixTime.Nanoseconds(record.Time), labels.For(record.File), RecordId.Of(record), record.File));
    }

    /// <summary><c>{"streams":[{"stream":{labels},"values":[["ns","line"],...]},...]}</c>: one stream per label set, entries in file order.</summary>
    public void WriteBody(ShipItems items, IReadOnlyList<int> selected, IBufferWriter<byte> body)
    {
        LokiLabelSets.Order(items, selected, _order);
        body.Write("{\"streams\":["u8);
        for (var i = 0; i < _order.Count; i++)
        {
            var (group, index) = _order[i];
            var first = i == 0 || _order[i - 1].Group != group;
            if (first)
            {
                body.Write(i == 0 ? "{\"stream\":"u8 : "]},{\"stream\":"u8);
                body.Write(labels.Json(group));
                body.Write(",\"values\":["u8);
            }

            var item = items[index];
            var payload = items.Payload(item);
            var span = body.GetSpan(payload.Length + EntryOverhead);
            var written = 0;
            SpanWriter.Put(span, ref written, first ? "[\""u8 : ",[\""u8);
            Utf8Formatter.TryFormat(item.TimeUnixNanos, span[written..], out var digits);
            written += digits;
            SpanWriter.Put(span, ref written, "\",\""u8);
            SpanWriter.Put(span, ref written, payload);
            SpanWriter.Put(span, ref written, "\"]"u8);
            body.Advance(written);
        }

        body.Write(_order.Count == 0 ? "]}"u8 : "]}]}"u8);
    }

    /// <summary>The record's JSON object, as the stdout line would be.</summary>
    public void WriteDeadLetter(ShipItems items, in ShipItem item, Utf8JsonWriter writer)
    {
        // The payload is the body of a JSON string: its text is the object's JSON.
        writer.WriteRawValue(_deadLetterText.Unescape(items.Payload(item)), skipInputValidation: true);
    }

    public Task<SendOutcome> ReadResponseAsync(HttpResponseMessage response, ShipItems items, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, CancellationToken cancellationToken) =>
        LokiPushAnswer.ReadAsync(response, selected, verdicts, time, cancellationToken);
}
