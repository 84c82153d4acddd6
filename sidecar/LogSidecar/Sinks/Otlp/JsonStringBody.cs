using System.Text.Json;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// Turns JSON-escaped text (what parsers keep of JSON records) back into the plain UTF-8 that
/// protobuf strings carry, reusing one buffer per caller.
/// </summary>
internal sealed class JsonStringBody
{
    private byte[] _quoted = new byte[1024];
    private byte[] _plain = new byte[1024];

    /// <summary>The text of an escaped string body (no quotes around it).</summary>
    public ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> escaped)
    {
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            return escaped;
        }

        Grow(ref _quoted, escaped.Length + 2);
        _quoted[0] = (byte)'"';
        escaped.CopyTo(_quoted.AsSpan(1));
        _quoted[escaped.Length + 1] = (byte)'"';
        return Token(_quoted.AsSpan(0, escaped.Length + 2));
    }

    /// <summary>The text of a whole JSON string token, quotes included.</summary>
    public ReadOnlySpan<byte> Token(ReadOnlySpan<byte> token)
    {
        var reader = new Utf8JsonReader(token);
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return token;
        }

        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        Grow(ref _plain, reader.ValueSpan.Length);
        return _plain.AsSpan(0, reader.CopyString(_plain));
    }

    private static void Grow(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
    }
}
