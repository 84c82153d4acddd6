using System.Text.Json;

namespace LogSidecar.Text;

/// <summary>
/// Turns JSON-escaped text (what parsers keep of JSON records, what the escaper wrote) back into
/// plain UTF-8, reusing one buffer per caller: the one place that reads JSON string escapes.
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

    /// <summary>
    /// Writes the text of <paramref name="token"/>, a JSON string token with its quotes, into
    /// <paramref name="destination"/> (at least as long as the token); returns its length.
    /// </summary>
    public static int CopyText(ReadOnlySpan<byte> token, Span<byte> destination)
    {
        var reader = new Utf8JsonReader(token);
        reader.Read();
        return reader.CopyString(destination);
    }

    private static void Grow(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
    }
}
