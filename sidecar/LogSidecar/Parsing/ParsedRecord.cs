namespace LogSidecar.Parsing;

/// <summary>
/// What a parser found in one record: time, severity, message and other fields. One instance is
/// reused for every record (the output is a single consumer), and every byte it refers to is
/// copied into its own scratch buffer, so nothing is allocated per record.
/// </summary>
internal sealed class ParsedRecord
{
    private byte[] _scratch = new byte[4096];
    private int _length;

    public DateTimeOffset? Time { get; set; }

    public Severity Severity { get; set; }

    /// <summary>The message, if the record had one; JSON-escaped already when <see cref="MessageEscaped"/>.</summary>
    public Range? Message { get; private set; }

    public bool MessageEscaped { get; private set; }

    public List<ParsedField> Fields { get; } = [];

    /// <summary>Why the record could not be parsed; it then passes through as plain text.</summary>
    public string? Error { get; set; }

    public void Reset()
    {
        _length = 0;
        Time = null;
        Severity = default;
        Message = null;
        MessageEscaped = false;
        Fields.Clear();
        Error = null;
    }

    public ReadOnlySpan<byte> this[Range range] => _scratch.AsSpan(range);

    public Range Append(ReadOnlySpan<byte> bytes)
    {
        if (_scratch.Length - _length < bytes.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _length + bytes.Length));
        }

        bytes.CopyTo(_scratch.AsSpan(_length));
        var range = new Range(_length, _length + bytes.Length);
        _length += bytes.Length;
        return range;
    }

    public void SetMessage(ReadOnlySpan<byte> bytes, bool escaped)
    {
        Message = Append(bytes);
        MessageEscaped = escaped;
    }

    public void AddField(ReadOnlySpan<byte> key, bool keyEscaped, ReadOnlySpan<byte> value, FieldKind kind) =>
        Fields.Add(new ParsedField(Append(key), keyEscaped, Append(value), kind));

    public void AddField(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, FieldKind kind) =>
        AddField(key, keyEscaped: false, value, kind);
}
