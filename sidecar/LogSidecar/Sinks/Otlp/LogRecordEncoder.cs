using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using LogSidecar.Diagnostics;
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
/// <c>log.file.path</c>, <c>logsidecar.stream</c>, every parsed field as a string (JSON values other
/// than strings as their JSON text), and <c>logsidecar.parse_error</c> / <c>logsidecar.truncated</c>
/// when they apply. The stream's parser runs here as it does for the stdout JSON.
/// </summary>
internal sealed class LogRecordEncoder
{
    public const int TimeField = 1;
    public const int SeverityNumberField = 2;
    public const int SeverityTextField = 3;
    public const int BodyField = 5;
    public const int AttributesField = 6;
    public const int ObservedTimeField = 11;

    // KeyValue (common.proto): an attribute's key and value.
    public const int KeyField = 1;
    public const int ValueField = 2;

    // AnyValue (common.proto): the value kinds the encoder writes.
    public const int StringValueField = 1;
    public const int BoolValueField = 2;

    private readonly IReadOnlyDictionary<string, IRecordParser?> _parsers;
    private readonly SidecarMetrics _metrics;
    private readonly MessageText _text;
    private readonly ParsedRecord _parsed = new();
    private readonly JsonStringBody _keys = new();
    private readonly JsonStringBody _values = new();
    private readonly JsonStringBody _body = new();
    private readonly ArrayBufferWriter<byte> _attributes = new(1024);
    private readonly ConditionalWeakTable<TrackedFile, byte[]> _fileAttributes = [];
    private TrackedFile? _file;
    private byte[] _fileBytes = [];
    private IRecordParser? _parser;

    public LogRecordEncoder(IReadOnlyDictionary<string, IRecordParser?> parsers, SidecarMetrics metrics)
    {
        _parsers = parsers;
        _metrics = metrics;
        _text = new MessageText(metrics);
    }

    /// <summary>An upper bound of what <see cref="Write"/> adds: the body and each field are at most the record's bytes, each attribute adds a few bytes of framing.</summary>
    public static int WorstCaseBytes(LineBatch batch, in LineRecord record) =>
        (8 * record.Length) + (3 * Encoding.UTF8.GetMaxByteCount(batch.File.Path.Length + batch.File.Stream.Length)) + 256;

    /// <summary>Writes the record's LogRecord message and returns its time (the parsed one, else when read) in Unix nanoseconds.</summary>
    public long Write(LineBatch batch, in LineRecord record, OutputBuffer output)
    {
        var text = _text.Valid(batch.Bytes(record));
        var parsed = Parse(batch.File, text, batch.ReadTime);
        var body = parsed is { Error: null } ? Message(parsed) : text;

        _attributes.ResetWrittenCount();
        _attributes.Write(_fileBytes);
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

        var observed = UnixTime.Nanoseconds(batch.ReadTime);
        var time = parsed?.Time is { } parsedTime ? UnixTime.Nanoseconds(parsedTime) : (long?)null;
        var severity = parsed?.Severity ?? default;
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
        Bytes(span, ref written, 1, body);
        SpanWriter.Put(span, ref written, _attributes.WrittenSpan);
        Fixed64(span, ref written, ObservedTimeField, (ulong)observed);
        output.Advance(written);
        return time ?? observed;
    }

    /// <summary>Appends a <c>KeyValue</c> attribute with a string value as field <paramref name="field"/> (LogRecord's attributes unless told).</summary>
    public static void AddString(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int field = AttributesField)
    {
        var any = FieldSize(value.Length);
        var pair = FieldSize(key.Length) + FieldSize(any);
        var span = output.GetSpan(FieldSize(pair));
        var written = 0;
        Header(span, ref written, field, pair);
        Bytes(span, ref written, KeyField, key);
        Header(span, ref written, ValueField, any);
        Bytes(span, ref written, StringValueField, value);
        output.Advance(written);
    }

    private static void AddTrue(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> key)
    {
        const int any = 2; // bool_value = 1: a tag and a one-byte varint
        var pair = FieldSize(key.Length) + FieldSize(any);
        var span = output.GetSpan(FieldSize(pair));
        var written = 0;
        Header(span, ref written, AttributesField, pair);
        Bytes(span, ref written, KeyField, key);
        Header(span, ref written, ValueField, any);
        VarintField(span, ref written, BoolValueField, 1);
        output.Advance(written);
    }

    private ParsedRecord? Parse(TrackedFile file, ReadOnlySpan<byte> text, DateTimeOffset readTime)
    {
        if (!ReferenceEquals(file, _file))
        {
            _fileBytes = _fileAttributes.GetValue(file, FileAttributes);
            _parser = _parsers.GetValueOrDefault(file.Stream);
            _file = file;
        }

        if (_parser is null)
        {
            return null;
        }

        _parser.ParseOrKeepError(text, readTime, _parsed, _metrics, file.Stream);

        return _parsed;
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
            var value = parsed[field.Value];

            // A JSON string becomes its text; other JSON values (numbers, objects...) stay JSON text.
            if (field.Kind == FieldKind.Json && value.Length > 0 && value[0] == (byte)'"')
            {
                value = _values.Token(value);
            }

            AddString(_attributes, key, value);
        }
    }

    private static byte[] FileAttributes(TrackedFile file)
    {
        var output = new ArrayBufferWriter<byte>(256);
        AddString(output, "log.file.path"u8, Encoding.UTF8.GetBytes(file.Path));
        AddString(output, "logsidecar.stream"u8, Encoding.UTF8.GetBytes(file.Stream));
        return output.WrittenSpan.ToArray();
    }
}
