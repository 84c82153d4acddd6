using System.Buffers;
using System.Net;
using System.Text.Json;
using LogSidecar.Parsing;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Elasticsearch;

/// <summary>
/// The Elasticsearch/OpenSearch <c>_bulk</c> API: NDJSON of <c>create</c> operations, each with an
/// <c>_id</c> from the record's <see cref="RecordId"/>, so a record sent twice (a retried request, a
/// replay after a crash) is stored once and its 409 counts as delivered. A 200 answer is read item
/// by item: only items with 429 or 5xx are sent again; other failed items are refused for good.
/// The document is the same JSON object as a stdout line, with the time as <c>@timestamp</c>.
/// </summary>
internal sealed class BulkProtocol(Uri endpoint, IndexPattern indexPattern, JsonRecordFormatter formatter, TimeProvider time) : IBackendProtocol
{
    private static ReadOnlySpan<byte> CreateOpen => "{\"create\":{\"_index\":\""u8;

    private static ReadOnlySpan<byte> IdOpen => "\",\"_id\":\""u8;

    private static ReadOnlySpan<byte> CreateClose => "\"}}\n"u8;

    private byte[] _response = new byte[64 * 1024];

    public Uri Target { get; } = new(endpoint, "_bulk");

    public string ContentType => "application/x-ndjson";

    public int WorstCaseBytes(PreparedRecord record) => formatter.WorstCaseBytes(record);

    public void Encode(PreparedRecord record, ShipItems items)
    {
        var start = items.Bytes.Length;
        formatter.Write(record, items.Bytes);
        var time = record.Time;
        items.Add(new ShipItem(start, items.Bytes.Length - start, UnixTime.Nanoseconds(time), IndexPattern.HourOf(time), RecordId.Of(record), record.File));
    }

    public void WriteBody(ShipItems items, IReadOnlyList<int> selected, IBufferWriter<byte> body)
    {
        foreach (var index in selected)
        {
            var item = items[index];
            var name = indexPattern.NameFor(item.Group);
            var payload = items.Payload(item);
            var span = body.GetSpan(CreateOpen.Length + name.Length + IdOpen.Length + RecordId.MaxLength + CreateClose.Length + payload.Length);
            var written = 0;
            SpanWriter.Put(span, ref written, CreateOpen);
            SpanWriter.Put(span, ref written, name);
            SpanWriter.Put(span, ref written, IdOpen);
            written += item.Id.Format(span[written..]);
            SpanWriter.Put(span, ref written, CreateClose);
            SpanWriter.Put(span, ref written, payload);
            body.Advance(written);
        }
    }

    public void WriteDeadLetter(ShipItems items, in ShipItem item, Utf8JsonWriter writer) =>
        writer.WriteRawValue(items.Payload(item).TrimEnd((byte)'\n'), skipInputValidation: true);

    public async Task<SendOutcome> ReadResponseAsync(HttpResponseMessage response, ShipItems items, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, CancellationToken cancellationToken)
    {
        var length = await ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return WholeRequest(response, selected, verdicts, length);
        }

        try
        {
            return BulkResponseReader.Read(_response.AsSpan(0, length), selected, verdicts);
        }
        catch (JsonException)
        {
            return BulkResponseReader.Unreadable(selected, verdicts);
        }
    }

    private SendOutcome WholeRequest(HttpResponseMessage response, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, int length)
    {
        var verdict = ResponseClassifier.ForStatus(response.StatusCode, RetryRule.TooManyRequestsAndServerErrors);
        var label = ResponseClassifier.Label(response.StatusCode);
        var excerpt = System.Text.Encoding.UTF8.GetString(_response, 0, Math.Min(length, 512));
        verdicts.SetAll(selected, verdict, label, $"{(int)response.StatusCode} from _bulk: {excerpt}");
        return new SendOutcome(label, ResponseClassifier.RetryAfter(response, time));
    }

    /// <summary>Reads the whole body, however large: a cap would leave item results unread (and records lost or duplicated).</summary>
    private async Task<int> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var length = 0;
        while (true)
        {
            if (length == _response.Length)
            {
                Array.Resize(ref _response, _response.Length * 2);
            }

            var read = await stream.ReadAsync(_response.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }
}
