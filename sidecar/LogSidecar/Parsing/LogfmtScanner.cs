namespace LogSidecar.Parsing;

/// <summary>
/// Reads <c>key=value</c> pairs as Go's logfmt writes them: bare values end at a space, quoted
/// values use backslash escapes, a key without <c>=</c> has an empty value.
/// </summary>
internal ref struct LogfmtScanner(ReadOnlySpan<byte> text, Span<byte> unescapeBuffer)
{
    private readonly ReadOnlySpan<byte> _text = text;
    private readonly Span<byte> _buffer = unescapeBuffer;
    private int _pos;

    public ReadOnlySpan<byte> Key { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool HasEquals { get; private set; }

    /// <summary>Moves to the next pair; false at the end, or with <paramref name="error"/> set on malformed input.</summary>
    public bool Next(out string? error)
    {
        error = null;
        while (_pos < _text.Length && _text[_pos] == (byte)' ')
        {
            _pos++;
        }

        if (_pos >= _text.Length)
        {
            return false;
        }

        var start = _pos;
        while (_pos < _text.Length && _text[_pos] > (byte)' ' && _text[_pos] is not ((byte)'=' or (byte)'"'))
        {
            _pos++;
        }

        Key = _text[start.._pos];
        if (Key.IsEmpty)
        {
            error = $"unexpected '{(char)_text[_pos]}' at {_pos}";
            return false;
        }

        HasEquals = _pos < _text.Length && _text[_pos] == (byte)'=';
        if (!HasEquals)
        {
            Value = default;
            return true;
        }

        _pos++;
        if (_pos < _text.Length && _text[_pos] == (byte)'"')
        {
            return ReadQuoted(out error);
        }

        start = _pos;
        while (_pos < _text.Length && _text[_pos] != (byte)' ')
        {
            _pos++;
        }

        Value = _text[start.._pos];
        return true;
    }

    private bool ReadQuoted(out string? error)
    {
        if (Unquote(_text[_pos..], _buffer, out var consumed, out var length))
        {
            _pos += consumed;
            Value = _buffer[..length];
            error = null;
            return true;
        }

        error = "unterminated quoted value";
        return false;
    }

    /// <summary>
    /// Reads the Go-quoted string at the start of <paramref name="text"/> (which begins with '"') into
    /// <paramref name="buffer"/>; <paramref name="consumed"/> includes both quotes.
    /// </summary>
    public static bool Unquote(ReadOnlySpan<byte> text, Span<byte> buffer, out int consumed, out int written)
    {
        written = 0;
        for (var pos = 1; pos < text.Length;)
        {
            var b = text[pos++];
            if (b == (byte)'"')
            {
                consumed = pos;
                return true;
            }

            if (b == (byte)'\\' && pos < text.Length)
            {
                b = text[pos++] switch
                {
                    (byte)'n' => (byte)'\n',
                    (byte)'t' => (byte)'\t',
                    (byte)'r' => (byte)'\r',
                    var other => other,
                };
            }

            buffer[written++] = b;
        }

        consumed = text.Length;
        return false;
    }
}
