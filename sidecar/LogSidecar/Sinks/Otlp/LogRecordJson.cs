using System.Text.Json;
using LogSidecar.Sinks.Protobuf;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// A dead letter's view of an encoded LogRecord, decoded back from its protobuf bytes:
/// <c>{"time", "observed_time", "severity_text", "severity_number", "body", "attributes": {...}}</c>,
/// times in ISO 8601 UTC, attribute values as the JSON of their type (numbers, booleans, arrays,
/// objects; OTLP's empty value as <c>null</c>).
/// </summary>
internal static class LogRecordJson
{
    public static void Write(ReadOnlySpan<byte> logRecord, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        var attributes = false;
        var record = new ProtobufReader(logRecord);
        while (record.Next())
        {
            // The encoder writes the attributes together: the object closes at the next other field.
            if (attributes && record.Field != LogRecordEncoder.AttributesField)
            {
                writer.WriteEndObject();
                attributes = false;
            }

            switch (record.Field)
            {
                case LogRecordEncoder.TimeField:
                    writer.WriteString("time", Time(record.Number));
                    break;
                case LogRecordEncoder.ObservedTimeField:
                    writer.WriteString("observed_time", Time(record.Number));
                    break;
                case LogRecordEncoder.SeverityNumberField:
                    writer.WriteNumber("severity_number", record.Number);
                    break;
                case LogRecordEncoder.SeverityTextField:
                    writer.WriteString("severity_text", record.Bytes);
                    break;
                case LogRecordEncoder.BodyField:
                    writer.WritePropertyName("body");
                    Value(record.Bytes, writer);
                    break;
                case LogRecordEncoder.AttributesField:
                    if (!attributes)
                    {
                        writer.WriteStartObject("attributes");
                        attributes = true;
                    }

                    Attribute(record.Bytes, writer);
                    break;
                default:
                    break;
            }
        }

        if (attributes)
        {
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static DateTime Time(ulong unixNanos) => DateTime.UnixEpoch.AddTicks((long)(unixNanos / 100));

    private static void Attribute(ReadOnlySpan<byte> pair, Utf8JsonWriter writer)
    {
        ReadOnlySpan<byte> key = [];
        ReadOnlySpan<byte> value = [];
        var reader = new ProtobufReader(pair);
        while (reader.Next())
        {
            if (reader.Field == JsonAnyValue.KeyField)
            {
                key = reader.Bytes;
            }
            else if (reader.Field == JsonAnyValue.ValueField)
            {
                value = reader.Bytes;
            }
        }

        writer.WritePropertyName(key);
        Value(value, writer);
    }

    /// <summary>An AnyValue as the JSON of its kind; one with no value set is null.</summary>
    private static void Value(ReadOnlySpan<byte> any, Utf8JsonWriter writer)
    {
        var reader = new ProtobufReader(any);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case JsonAnyValue.StringValueField:
                    writer.WriteStringValue(reader.Bytes);
                    return;
                case JsonAnyValue.BoolValueField:
                    writer.WriteBooleanValue(reader.Number != 0);
                    return;
                case JsonAnyValue.IntValueField:
                    writer.WriteNumberValue((long)reader.Number);
                    return;
                case JsonAnyValue.DoubleValueField:
                    writer.WriteNumberValue(BitConverter.UInt64BitsToDouble(reader.Number));
                    return;
                case JsonAnyValue.BytesValueField:
                    writer.WriteBase64StringValue(reader.Bytes);
                    return;
                case JsonAnyValue.ArrayValueField:
                    writer.WriteStartArray();
                    var values = new ProtobufReader(reader.Bytes);
                    while (values.Next())
                    {
                        Value(values.Bytes, writer);
                    }

                    writer.WriteEndArray();
                    return;
                case JsonAnyValue.KvlistValueField:
                    writer.WriteStartObject();
                    var pairs = new ProtobufReader(reader.Bytes);
                    while (pairs.Next())
                    {
                        Attribute(pairs.Bytes, writer);
                    }

                    writer.WriteEndObject();
                    return;
                default:
                    break;
            }
        }

        writer.WriteNullValue();
    }
}
