using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>
/// The test's own protobuf wire-format reader and writer, written from the encoding spec (not the
/// sidecar's code), so encoder tests check the bytes against an independent decoding.
/// </summary>
internal static class OtlpWire
{
    /// <summary>Every field of a message: number, wire type, and the value (varint/fixed as a number, length-delimited as bytes).</summary>
    public static List<(int Field, int WireType, ulong Number, byte[] Bytes)> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<(int, int, ulong, byte[])>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = Varint(message, ref position);
            var field = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add((field, wireType, Varint(message, ref position), []));
                    break;
                case 1:
                    fields.Add((field, wireType, BinaryPrimitives.ReadUInt64LittleEndian(message[position..]), []));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    fields.Add((field, wireType, 0, message.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    fields.Add((field, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message[position..]), []));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"wire type {wireType} at {position}");
            }
        }

        return fields;
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>KeyValue pairs (key = 1, value = AnyValue 2) as strings: a string_value's text, any other value as <see cref="Typed"/> renders it without its kind.</summary>
    public static Dictionary<string, string> Attributes(IEnumerable<byte[]> pairs) => Pairs(pairs, any => AnyValue(any));

    /// <summary>KeyValue pairs with each value's kind, as <see cref="Typed"/> renders them.</summary>
    public static Dictionary<string, string> TypedAttributes(IEnumerable<byte[]> pairs) => Pairs(pairs, any => Typed(any));

    /// <summary>An AnyValue as text: a string_value as it is, any other value as JSON (an empty value as <c>null</c>).</summary>
    public static string AnyValue(byte[] any) => Fields(any) is [(1, 2, _, var text)] ? Text(text) : Node(any)?.ToJsonString() ?? "null";

    /// <summary>
    /// An AnyValue with its kind, read by the field numbers of common.proto: <c>string:x</c>
    /// (string_value = 1), <c>bool:true</c> (2), <c>int:-3</c> (3, an int64 varint), <c>double:0.5</c>
    /// (4, fixed64), <c>array:[...]</c> (5, ArrayValue.values = 1), <c>kvlist:{k=...}</c> (6,
    /// KeyValueList.values = 1 of KeyValue key = 1, value = 2), <c>empty</c> when no value is set.
    /// </summary>
    public static string Typed(byte[] any)
    {
        var fields = Fields(any);
        if (fields.Count == 0)
        {
            return "empty";
        }

        var (field, wireType, number, bytes) = Assert.Single(fields);
        return (field, wireType) switch
        {
            (1, 2) => $"string:{Text(bytes)}",
            (2, 0) => $"bool:{(number != 0 ? "true" : "false")}",
            (3, 0) => $"int:{((long)number).ToString(CultureInfo.InvariantCulture)}",
            (4, 1) => $"double:{BitConverter.UInt64BitsToDouble(number).ToString("R", CultureInfo.InvariantCulture)}",
            (5, 2) => $"array:[{string.Join(",", Values(bytes).Select(Typed))}]",
            (6, 2) => $"kvlist:{{{string.Join(",", Pairs(Values(bytes), Typed).Select(p => $"{p.Key}={p.Value}"))}}}",
            _ => throw new FormatException($"AnyValue field {field} with wire type {wireType} is not expected"),
        };
    }

    private static JsonNode? Node(byte[] any)
    {
        var fields = Fields(any);
        if (fields.Count == 0)
        {
            return null;
        }

        var (field, _, number, bytes) = Assert.Single(fields);
        return field switch
        {
            1 => JsonValue.Create(Text(bytes)),
            2 => JsonValue.Create(number != 0),
            3 => JsonValue.Create((long)number),
            4 => JsonValue.Create(BitConverter.UInt64BitsToDouble(number)),
            5 => new JsonArray([.. Values(bytes).Select(Node)]),
            6 => new JsonObject(Values(bytes).Select(pair => Fields(pair)).Select(pair => KeyValuePair.Create(Text(pair.Single(f => f.Field == 1).Bytes), Node(pair.Single(f => f.Field == 2).Bytes)))),
            _ => throw new FormatException($"AnyValue field {field} is not expected"),
        };
    }

    /// <summary>The repeated field 1 of an ArrayValue or KeyValueList.</summary>
    private static IEnumerable<byte[]> Values(byte[] list) => Fields(list).Select(value =>
    {
        Assert.Equal((1, 2), (value.Field, value.WireType));
        return value.Bytes;
    });

    public static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }

    public static void WriteBytes(Stream output, int field, byte[] bytes)
    {
        WriteVarint(output, (ulong)((field << 3) | 2));
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    public static void WriteVarintField(Stream output, int field, ulong value)
    {
        WriteVarint(output, (ulong)(field << 3));
        WriteVarint(output, value);
    }

    private static Dictionary<string, string> Pairs(IEnumerable<byte[]> pairs, Func<byte[], string> value)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var fields = Fields(pair);
            attributes.Add(Text(fields.Single(f => f.Field == 1).Bytes), value(fields.Single(f => f.Field == 2).Bytes));
        }

        return attributes;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
