using System.Text.Json;
using LogSidecar.Sinks.Protobuf;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// A dead letter's view of an encoded LogRecord, decoded back from its protobuf bytes:
/// <c>{"time", "observed_time", "severity_text", "severity_number", "body", "attributes": {...}}</c>,
/// times in ISO 8601 UTC, attribute values as strings (booleans as JSON booleans).
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
            if (reader.Field == LogRecordEncoder.KeyField)
            {
                key = reader.Bytes;
            }
            else if (reader.Field == LogRecordEncoder.ValueField)
            {
                value = reader.Bytes;
            }
        }

        writer.WritePropertyName(key);
        Value(value, writer);
    }

    /// <summary>An AnyValue: string_value or bool_value, the only kinds the encoder writes.</summary>
    private static void Value(ReadOnlySpan<byte> any, Utf8JsonWriter writer)
    {
        var reader = new ProtobufReader(any);
        while (reader.Next())
        {
            if (reader.Field == LogRecordEncoder.StringValueField)
            {
                writer.WriteStringValue(reader.Bytes);
                return;
            }

            if (reader.Field == LogRecordEncoder.BoolValueField)
            {
                writer.WriteBooleanValue(reader.Number != 0);
                return;
            }
        }

        writer.WriteStringValue(""u8);
    }
}
