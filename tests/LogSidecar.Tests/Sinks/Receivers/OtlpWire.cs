using System.Buffers.Binary;
using System.Text;

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

    /// <summary>KeyValue pairs (key = 1, value = AnyValue 2) as strings; a bool_value is "true"/"false".</summary>
    public static Dictionary<string, string> Attributes(IEnumerable<byte[]> pairs)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var fields = Fields(pair);
            attributes.Add(Text(fields.Single(f => f.Field == 1).Bytes), AnyValue(fields.Single(f => f.Field == 2).Bytes));
        }

        return attributes;
    }

    public static string AnyValue(byte[] any)
    {
        var value = Fields(any).Single();
        return value.Field switch
        {
            1 => Text(value.Bytes),
            2 => value.Number != 0 ? "true" : "false",
            _ => throw new FormatException($"AnyValue field {value.Field} is not expected"),
        };
    }

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
