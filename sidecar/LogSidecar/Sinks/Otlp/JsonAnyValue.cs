using System.Buffers.Binary;
using System.Text.Json;
using static LogSidecar.Sinks.Protobuf.ProtobufWriter;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// Encodes a JSON value as an OTLP <c>AnyValue</c> (opentelemetry/proto/common/v1/common.proto) that
/// keeps its type: strings as <c>string_value</c> (1), <c>true</c>/<c>false</c> as <c>bool_value</c> (2),
/// integers that fit 64 bits as <c>int_value</c> (3), other numbers as <c>double_value</c> (4), arrays
/// as <c>array_value</c> (5, <c>ArrayValue.values</c> = 1), objects as <c>kvlist_value</c> (6,
/// <c>KeyValueList.values</c> = 1 of <c>KeyValue { key = 1, value = 2 }</c>) and <c>null</c> as an
/// AnyValue with no value set (OTLP's empty value). Protobuf needs each message's length before its
/// bytes, so a value is read twice: once to measure every nested message, once to write.
/// </summary>
internal sealed class JsonAnyValue
{
    public const int StringValueField = 1;
    public const int BoolValueField = 2;
    public const int IntValueField = 3;
    public const int DoubleValueField = 4;
    public const int ArrayValueField = 5;
    public const int KvlistValueField = 6;
    public const int BytesValueField = 7;

    // ArrayValue.values and KeyValueList.values.
    public const int ValuesField = 1;

    // KeyValue (common.proto): an attribute's key and value.
    public const int KeyField = 1;
    public const int ValueField = 2;

    // The body length of each array and object of the value measured last, in the order they open.
    private readonly List<int> _lengths = [];

    // Unescaped text: a key is kept while its value is read, so keys and values have their own buffers.
    private byte[] _key = new byte[256];
    private byte[] _value = new byte[256];

    /// <summary>The length of the AnyValue message for <paramref name="json"/>, a complete JSON value; call before <see cref="Write"/>.</summary>
    public int Measure(ReadOnlySpan<byte> json)
    {
        _lengths.Clear();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return MeasureValue(ref reader);
    }

    /// <summary>Writes the AnyValue message's fields for the value <see cref="Measure"/> measured last.</summary>
    public void Write(ReadOnlySpan<byte> json, Span<byte> span, ref int written)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var next = 0;
        WriteValue(ref reader, span, ref written, ref next);
    }

    private int MeasureValue(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartArray => MeasureArray(ref reader),
        JsonTokenType.StartObject => MeasureObject(ref reader),
        _ => ScalarLength(ref reader),
    };

    private int MeasureArray(ref Utf8JsonReader reader)
    {
        var index = Open();
        var length = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            length += FieldSize(MeasureValue(ref reader));
        }

        _lengths[index] = length;
        return FieldSize(length);
    }

    private int MeasureObject(ref Utf8JsonReader reader)
    {
        var index = Open();
        var length = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = Text(ref reader, ref _key).Length;
            reader.Read();
            length += FieldSize(FieldSize(key) + FieldSize(MeasureValue(ref reader)));
        }

        _lengths[index] = length;
        return FieldSize(length);
    }

    private void WriteValue(ref Utf8JsonReader reader, Span<byte> span, ref int written, ref int next)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                Bytes(span, ref written, StringValueField, Text(ref reader, ref _value));
                break;
            case JsonTokenType.Number when reader.TryGetInt64(out var integer):
                // int64 is the varint of the two's complement: a negative number takes ten bytes.
                VarintField(span, ref written, IntValueField, (ulong)integer);
                break;
            case JsonTokenType.Number when Finite(ref reader, out var number):
                Tag(span, ref written, DoubleValueField, Fixed64Type);
                BinaryPrimitives.WriteDoubleLittleEndian(span[written..], number);
                written += 8;
                break;
            case JsonTokenType.Number:
                // Beyond a double's range (1e400): kept as its text rather than turned into infinity.
                Bytes(span, ref written, StringValueField, reader.ValueSpan);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                VarintField(span, ref written, BoolValueField, reader.TokenType == JsonTokenType.True ? 1UL : 0UL);
                break;
            case JsonTokenType.StartArray:
                Header(span, ref written, ArrayValueField, _lengths[next++]);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Header(span, ref written, ValuesField, Length(ref reader, next));
                    WriteValue(ref reader, span, ref written, ref next);
                }

                break;
            case JsonTokenType.StartObject:
                Header(span, ref written, KvlistValueField, _lengths[next++]);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = Text(ref reader, ref _key);
                    reader.Read();
                    var value = Length(ref reader, next);
                    Header(span, ref written, ValuesField, FieldSize(key.Length) + FieldSize(value));
                    Bytes(span, ref written, KeyField, key);
                    Header(span, ref written, ValueField, value);
                    WriteValue(ref reader, span, ref written, ref next);
                }

                break;
            default:
                break; // null: no value set
        }
    }

    /// <summary>The AnyValue length of the value at the reader; a container's was measured (entry <paramref name="next"/>).</summary>
    private int Length(ref Utf8JsonReader reader, int next) =>
        reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject ? FieldSize(_lengths[next]) : ScalarLength(ref reader);

    private int ScalarLength(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => FieldSize(Text(ref reader, ref _value).Length),
        JsonTokenType.Number when reader.TryGetInt64(out var integer) => 1 + VarintSize((ulong)integer),
        JsonTokenType.Number when Finite(ref reader, out _) => 9,
        JsonTokenType.Number => FieldSize(reader.ValueSpan.Length),
        JsonTokenType.True or JsonTokenType.False => 2,
        _ => 0,
    };

    // The reader reads 1e400 as infinity, which a double_value could carry but JSON could not give back.
    private static bool Finite(ref Utf8JsonReader reader, out double number) => reader.TryGetDouble(out number) && double.IsFinite(number);

    private int Open()
    {
        _lengths.Add(0);
        return _lengths.Count - 1;
    }

    /// <summary>A string or property name's text, unescaped into <paramref name="buffer"/> when it has escapes.</summary>
    private static ReadOnlySpan<byte> Text(ref Utf8JsonReader reader, ref byte[] buffer)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (buffer.Length < reader.ValueSpan.Length)
        {
            buffer = new byte[Math.Max(reader.ValueSpan.Length, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, reader.CopyString(buffer));
    }
}
