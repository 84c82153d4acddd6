using System.Buffers;
using System.Text.Json;
using LogSidecar.Parsing;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Sinks.Protobuf;
using LogSidecar.Text;
using Snappier;
using static LogSidecar.Sinks.Protobuf.ProtobufWriter;

namespace LogSidecar.Sinks.Loki;

/// <summary>
/// Loki's push API in its native form (<c>compression: snappy</c>): a <c>logproto.PushRequest</c>
/// (<c>streams</c> = 1: <c>StreamAdapter { labels = 1 as a selector, entries = 2 }</c>,
/// <c>EntryAdapter { timestamp = 1 (google.protobuf.Timestamp), line = 2 }</c>), snappy block
/// compressed, as Promtail and Alloy send it: cheaper for Loki to decode than JSON. The entries
/// and the answers are those of <see cref="LokiPushProtocol"/>; each entry is encoded once.
/// </summary>
internal sealed class LokiProtobufProtocol(Uri endpoint, LokiLabelSets labels, JsonRecordFormatter formatter, TimeProvider time) : IBackendProtocol
{
    private const int StreamsField = 1;
    private const int LabelsField = 1;
    private const int EntriesField = 2;
    private const int TimestampField = 1;
    private const int LineField = 2;

    // Timestamp (at most 2 + 10 + 1 + 5 bytes) and the line's tag and length.
    private const int EntryOverhead = 32;

    private readonly OutputBuffer _line = new(Stream.Null, 64 * 1024);
    private readonly ArrayBufferWriter<byte> _request = new(64 * 1024);
    private readonly List<(int Group, int Index)> _order = [];

    public Uri Target { get; } = new(endpoint, "loki/api/v1/push");

    public string ContentType => "application/x-protobuf";

    public int WorstCaseBytes(PreparedRecord record) => formatter.WorstCaseBytes(record) + EntryOverhead;

    public void Encode(PreparedRecord record, ShipItems items)
    {
        _line.Rewind(0);
        formatter.Write(record, _line);
        var line = _line.Slice(0, _line.Length).TrimEnd((byte)'\n');
        var nanos = UnixTime.Nanoseconds(record.Time);
        var seconds = Math.DivRem(nanos, 1_000_000_000L, out var fraction);
        if (fraction < 0)
        {
            // Timestamp.nanos is never negative: a time before 1970 borrows a second.
            seconds--;
            fraction += 1_000_000_000L;
        }

        var timestamp = 1 + VarintSize((ulong)seconds) + (fraction == 0 ? 0 : 1 + VarintSize((ulong)fraction));
        var start = items.Bytes.Length;
        var span = items.Bytes.GetSpan(FieldSize(timestamp) + FieldSize(line.Length));
        var written = 0;
        Header(span, ref written, TimestampField, timestamp);
        VarintField(span, ref written, 1, (ulong)seconds);
        if (fraction != 0)
        {
            VarintField(span, ref written, 2, (ulong)fraction);
        }

        Bytes(span, ref written, LineField, line);
        items.Bytes.Advance(written);
        items.Add(new ShipItem(start, written, nanos, labels.For(record.File), RecordId.Of(record), record.File));
    }

    /// <summary>One StreamAdapter per label set, entries in the order read, then the whole request snappy-compressed.</summary>
    public void WriteBody(ShipItems items, IReadOnlyList<int> selected, IBufferWriter<byte> body)
    {
        LokiLabelSets.Order(items, selected, _order);
        _request.ResetWrittenCount();
        for (var first = 0; first < _order.Count;)
        {
            var group = _order[first].Group;
            var end = first;
            var selector = labels.Selector(group);
            var length = FieldSize(selector.Length);
            for (; end < _order.Count && _order[end].Group == group; end++)
            {
                length += FieldSize(items[_order[end].Index].Length);
            }

            var head = _request.GetSpan(16 + selector.Length);
            var written = 0;
            Header(head, ref written, StreamsField, length);
            Bytes(head, ref written, LabelsField, selector);
            _request.Advance(written);
            for (; first < end; first++)
            {
                var payload = items.Payload(items[_order[first].Index]);
                var span = _request.GetSpan(payload.Length + 8);
                written = 0;
                Bytes(span, ref written, EntriesField, payload);
                _request.Advance(written);
            }
        }

        var compressed = body.GetSpan(Snappy.GetMaxCompressedLength(_request.WrittenCount));
        body.Advance(Snappy.Compress(_request.WrittenSpan, compressed));
    }

    /// <summary>The record's JSON object (the entry's line).</summary>
    public void WriteDeadLetter(ShipItems items, in ShipItem item, Utf8JsonWriter writer)
    {
        var entry = new ProtobufReader(items.Payload(item));
        while (entry.Next())
        {
            if (entry.Field == LineField)
            {
                writer.WriteRawValue(entry.Bytes, skipInputValidation: true);
                return;
            }
        }

        writer.WriteNullValue();
    }

    public Task<SendOutcome> ReadResponseAsync(HttpResponseMessage response, ShipItems items, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, CancellationToken cancellationToken) =>
        LokiPushAnswer.ReadAsync(response, selected, verdicts, time, cancellationToken);
}
