using System.Buffers;
using System.Text;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Text;
using static LogSidecar.Sinks.Protobuf.ProtobufWriter;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// Encodes one record as an OTLP <c>LogRecord</c> message (opentelemetry/proto/logs/v1/logs.proto):
/// <c>time_unix_nano</c> when the record had a time, <c>observed_time_unix_nano</c> = when it was
/// read, severity number and text from parsing, the message as the string body, and attributes:
/// <c>log.file.path</c>, <c>logsidecar.stream</c>, every parsed field with its JSON type kept
/// (<see cref="JsonAnyValue"/>; text a parser found is a string), and <c>logsidecar.parse_error</c> / <c>logsidecar.truncated</c>
/// when they apply. It reads the prepared record: the record was parsed once, before it fanned out.
/// </summary>
internal sealed class LogRecordEncoder
{
    public const int TimeField = 1;
    public const int SeverityNumberField = 2;
    public const int SeverityTextField = 3;
    public const int BodyField = 5;
    public const int AttributesField = 6;
    public const int ObservedTimeField = 11;

    private readonly JsonStringBody _keys = new();
    private readonly JsonStringBody _body = new();
    private readonly JsonAnyValue _any = new();
    private readonly ArrayBufferWriter<byte> _attributes = new(1024);
    private readonly PerFile<byte[]> _fileAttributes = new(FileAttributes);

    /// <summary>
    /// An upper bound of what <see cref="Write"/> adds: the body and the fields are disjoint parts of the
    /// record's bytes; a typed value grows at most about fourfold (<c>-1,</c> becomes a ten-byte varint
    /// with its tags), an attribute adds a few bytes of framing.
    /// </summary>
    public static int WorstCaseBytes(PreparedRecord record) =>
        (8 * record.Text.Length) + (3 * Encoding.UTF8.GetMaxByteCount(record.File.Path.Length + record.File.Stream.Length)) + 256;

    /// <summary>Writes the record's LogRecord message.</summary>
    public void Write(PreparedRecord record, OutputBuffer output)
    {
        var parsed = record.Parsed;
        var body = parsed is { Error: null } ? Message(parsed) : record.Text;

        _attributes.ResetWrittenCount();
        _attributes.Write(_fileAttributes[record.File]);
        if (parsed is not null)
        {
            Fields(parsed);
            if (parsed.Error is { } error)
            {
                AddString(_attributes, "logsidecar.parse_error"u8, Encoding.UTF8.GetBytes(error));
            }
        }

        if ((record.Flags & RecordFlags.Truncated) != 0)
        {
            AddTrue(_attributes, "logsidecar.truncated"u8);
        }

        var observed = UnixTime.Nanoseconds(record.ReadTime);
        var time = parsed?.Time is { } parsedTime ? UnixTime.Nanoseconds(parsedTime) : (long?)null;
        var severity = record.Severity;
        var bodyValue = FieldSize(body.Length);
        var size = (time is null ? 0 : 9)
            + (severity.IsKnown ? 1 + VarintSize((ulong)severity.Number) + FieldSize(severity.Utf8Text.Length) : 0)
            + FieldSize(bodyValue)
            + _attributes.WrittenCount
            + 9;

        var span = output.GetSpan(size);
        var written = 0;
        if (time is { } t)
        {
            Fixed64(span, ref written, TimeField, (ulong)t);
        }

        if (severity.IsKnown)
        {
            VarintField(span, ref written, SeverityNumberField, (ulong)severity.Number);
            Bytes(span, ref written, SeverityTextField, severity.Utf8Text);
        }

        Header(span, ref written, BodyField, bodyValue);
        Bytes(span, ref written, JsonAnyValue.StringValueField, body);
        SpanWriter.Put(span, ref written, _attributes.WrittenSpan);
        Fixed64(span, ref written, ObservedTimeField, (ulong)observed);
        output.Advance(written);
    }

    /// <summary>Appends a <c>KeyValue</c> attribute with a string value as field <paramref name="field"/> (LogRecord's attributes unless told).</summary>
    public static void AddString(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int field = AttributesField)
    {
        var any = FieldSize(value.Length);
        var pair = FieldSize(key.Length) + FieldSize(any);
        var span = output.GetSpan(FieldSize(pair));
        var written = 0;
        Header(span, ref written, field, pair);
        Bytes(span, ref written, JsonAnyValue.KeyField, key);
        Header(span, ref written, JsonAnyValue.ValueField, any);
        Bytes(span, ref written, JsonAnyValue.StringValueField, value);
        output.Advance(written);
    }

    private static void AddTrue(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> key)
    {
        const int any = 2; // bool_value = 1: a tag and a one-byte varint
        var pair = FieldSize(key.Length) + FieldSize(any);
        var span = output.GetSpan(FieldSize(pair));
        var written = 0;
        Header(span, ref written, AttributesField, pair);
        Bytes(span, ref written, JsonAnyValue.KeyField, key);
        Header(span, ref written, JsonAnyValue.ValueField, any);
        VarintField(span, ref written, JsonAnyValue.BoolValueField, 1);
        output.Advance(written);
    }

    private ReadOnlySpan<byte> Message(ParsedRecord parsed)
    {
        if (parsed.Message is not { } range)
        {
            return [];
        }

        return parsed.MessageEscaped ? _body.Unescape(parsed[range]) : parsed[range];
    }

    private void Fields(ParsedRecord parsed)
    {
        foreach (var field in parsed.Fields)
        {
            var key = field.KeyEscaped ? _keys.Unescape(parsed[field.Key]) : parsed[field.Key];
            if (field.IsJson)
            {
                AddJson(key, parsed[field.Value]);
            }
            else
            {
                AddString(_attributes, key, parsed[field.Value]);
            }
        }
    }

    /// <summary>Appends a <c>KeyValue</c> attribute whose value is a JSON value with its type kept.</summary>
    private void AddJson(ReadOnlySpan<byte> key, ReadOnlySpan<byte> json)
    {
        var any = _any.Measure(json);
        var pair = FieldSize(key.Length) + FieldSize(any);
        var span = _attributes.GetSpan(FieldSize(pair));
        var written = 0;
        Header(span, ref written, AttributesField, pair);
        Bytes(span, ref written, JsonAnyValue.KeyField, key);
        Header(span, ref written, JsonAnyValue.ValueField, any);
        _any.Write(json, span, ref written);
        _attributes.Advance(written);
    }

    private static byte[] FileAttributes(TrackedFile file)
    {
        var output = new ArrayBufferWriter<byte>(256);
        AddString(output, "log.file.path"u8, Encoding.UTF8.GetBytes(file.Path));
        AddString(output, "logsidecar.stream"u8, Encoding.UTF8.GetBytes(file.Stream));
        return output.WrittenSpan.ToArray();
    }
}
