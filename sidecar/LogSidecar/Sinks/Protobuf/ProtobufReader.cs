using System.Buffers.Binary;

namespace LogSidecar.Sinks.Protobuf;

/// <summary>
/// Reads protobuf wire format field by field: enough for the collector's answers and for our own
/// log records (dead letters). Malformed input ends the read (<see cref="Next"/> returns false)
/// instead of throwing: an answer we cannot read is handled by the caller.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public int Field { get; private set; }

    public int WireType { get; private set; }

    /// <summary>The value of the current field when it is a varint or fixed64.</summary>
    public ulong Number { get; private set; }

    /// <summary>The bytes of the current field when it is length-delimited.</summary>
    public ReadOnlySpan<byte> Bytes { get; private set; }

    /// <summary>True when the input is malformed (a cut varint, a length past the end, an unknown wire type).</summary>
    public bool Malformed { get; private set; }

    /// <summary>Moves to the next field and reads its value; false at the end or on malformed input.</summary>
    public bool Next()
    {
        if (_position >= _data.Length || !TryVarint(out var tag))
        {
            return false;
        }

        Field = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        Bytes = default;
        Number = 0;
        switch (WireType)
        {
            case ProtobufWriter.VarintType when TryVarint(out var value):
                Number = value;
                return true;
            case ProtobufWriter.Fixed64Type when _data.Length - _position >= 8:
                Number = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
                _position += 8;
                return true;
            case 5 when _data.Length - _position >= 4:
                Number = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
                _position += 4;
                return true;
            case ProtobufWriter.LengthDelimitedType when TryVarint(out var length) && length <= (ulong)(_data.Length - _position):
                Bytes = _data.Slice(_position, (int)length);
                _position += (int)length;
                return true;
            default:
                Malformed = true;
                return false;
        }
    }

    private bool TryVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && _position < _data.Length; shift += 7)
        {
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        Malformed = true;
        return false;
    }
}
