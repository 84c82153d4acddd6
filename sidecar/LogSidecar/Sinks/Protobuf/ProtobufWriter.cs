using System.Buffers.Binary;
using LogSidecar.Sinks.Formatting;

namespace LogSidecar.Sinks.Protobuf;

/// <summary>
/// The few protobuf wire-format pieces OTLP logs need (varints, fixed64, length-delimited fields),
/// written into a span the caller sized with the <c>...Size</c> methods: every message's length is
/// known before it is written, so nothing is written twice.
/// </summary>
internal static class ProtobufWriter
{
    public const int VarintType = 0;
    public const int Fixed64Type = 1;
    public const int LengthDelimitedType = 2;

    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Bytes of a length-delimited field of <paramref name="length"/> bytes, tag and length prefix included (field numbers below 16).</summary>
    public static int FieldSize(int length) => 1 + VarintSize((ulong)length) + length;

    public static void Varint(Span<byte> span, ref int written, ulong value)
    {
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
    }

    /// <summary>A tag for field numbers below 16, which fit one byte.</summary>
    public static void Tag(Span<byte> span, ref int written, int field, int wireType) => span[written++] = (byte)((field << 3) | wireType);

    public static void Fixed64(Span<byte> span, ref int written, int field, ulong value)
    {
        Tag(span, ref written, field, Fixed64Type);
        BinaryPrimitives.WriteUInt64LittleEndian(span[written..], value);
        written += 8;
    }

    public static void VarintField(Span<byte> span, ref int written, int field, ulong value)
    {
        Tag(span, ref written, field, VarintType);
        Varint(span, ref written, value);
    }

    /// <summary>The tag and length of a length-delimited field whose <paramref name="length"/> bytes the caller writes next.</summary>
    public static void Header(Span<byte> span, ref int written, int field, int length)
    {
        Tag(span, ref written, field, LengthDelimitedType);
        Varint(span, ref written, (ulong)length);
    }

    public static void Bytes(Span<byte> span, ref int written, int field, ReadOnlySpan<byte> bytes)
    {
        Header(span, ref written, field, bytes.Length);
        SpanWriter.Put(span, ref written, bytes);
    }
}
