namespace LogSidecar.Parsing;

/// <summary>
/// What a parser found in one record: time, severity, message and other fields. Fields and the
/// message are ranges: below <see cref="Source"/>'s length they are the record's own bytes (a JSON
/// record's keys and values, never copied); from there on they are bytes a parser made (unquoted
/// logfmt values, a regex's groups), kept in a scratch buffer. One instance is reused for every
/// record (the delivery loop is a single consumer), so nothing is allocated per record.
/// </summary>
internal sealed class ParsedRecord
{
    private byte[] _scratch = new byte[4096];
    private int _length;
    private ParsedField[] _fields = new ParsedField[16];
    private int _fieldCount;
    // The source as plain array offsets: read once per field, where a Memory's span would be looked up each time.
    private byte[] _source = [];
    private int _sourceStart;
    private int _sourceLength;

    /// <summary>The record's text (valid UTF-8): what the parser reads.</summary>
    public ReadOnlySpan<byte> Source => _source.AsSpan(_sourceStart, _sourceLength);

    public DateTimeOffset? Time { get; set; }

    public Severity Severity { get; set; }

    /// <summary>The message, if the record had one; JSON-escaped already when <see cref="MessageEscaped"/>.</summary>
    public Range? Message { get; private set; }

    public bool MessageEscaped { get; private set; }

    public ReadOnlySpan<ParsedField> Fields => new(_fields, 0, _fieldCount);

    /// <summary>
    /// Set when the fields read in the record's own bytes exactly as outputs write them, one after
    /// the other (a compact JSON record's members but the time, level and message, in one run): the
    /// range of those bytes, which outputs copy at once instead of field by field.
    /// </summary>
    public Range? FieldsAsWritten { get; set; }

    /// <summary>Why the record could not be parsed; it then passes through as plain text.</summary>
    public string? Error { get; set; }

    /// <summary>The bytes of a range of this record: its own, or those a parser made.</summary>
    public ReadOnlySpan<byte> this[Range range]
    {
        get
        {
            // A range that ends within the source is the source's (an empty one at its end is empty either way).
            var start = range.Start.Value;
            var end = range.End.Value;
            return end <= _sourceLength
                ? new ReadOnlySpan<byte>(_source, _sourceStart + start, end - start)
                : _scratch.AsSpan(start - _sourceLength, end - start);
        }
    }

    /// <summary>Starts a record over <paramref name="source"/>, which must stay unchanged while the result is read.</summary>
    public void Reset(ArraySegment<byte> source)
    {
        (_source, _sourceStart, _sourceLength) = (source.Array!, source.Offset, source.Count);
        Clear();
    }

    /// <summary>Forgets what the parser found but its error (a record that failed passes through whole).</summary>
    public void KeepOnlyError()
    {
        var error = Error;
        Clear();
        Error = error;
    }

    /// <summary>Copies bytes a parser made into the record; the range is past <see cref="Source"/>.</summary>
    public Range Append(ReadOnlySpan<byte> bytes)
    {
        if (_scratch.Length - _length < bytes.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _length + bytes.Length));
        }

        bytes.CopyTo(_scratch.AsSpan(_length));
        var start = _sourceLength + _length;
        _length += bytes.Length;
        return new Range(start, start + bytes.Length);
    }

    public void SetMessage(ReadOnlySpan<byte> bytes, bool escaped) => SetMessage(Append(bytes), escaped);

    /// <summary>The message is <paramref name="range"/>: of <see cref="Source"/>, or one <see cref="Append"/> returned.</summary>
    public void SetMessage(Range range, bool escaped)
    {
        Message = range;
        MessageEscaped = escaped;
    }

    public void AddField(ReadOnlySpan<byte> key, bool keyEscaped, ReadOnlySpan<byte> value, FieldKind kind) =>
        AddFields(1)[0] = new ParsedField(Append(key), keyEscaped, Append(value), kind);

    public void AddField(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, FieldKind kind) =>
        AddField(key, keyEscaped: false, value, kind);

    /// <summary>
    /// Room for <paramref name="count"/> more fields, which the parser writes in place (a JSON
    /// record's field by field, its keys and values ranges of <see cref="Source"/>: see
    /// <see cref="JsonProperties"/> for why not made whole and copied).
    /// </summary>
    public Span<ParsedField> AddFields(int count)
    {
        if (_fields.Length - _fieldCount < count)
        {
            Array.Resize(ref _fields, Math.Max(_fields.Length * 2, _fieldCount + count));
        }

        var added = _fields.AsSpan(_fieldCount, count);
        _fieldCount += count;
        return added;
    }

    /// <summary>
    /// The last field of the run starting at <paramref name="first"/> that reads in the record's own
    /// bytes exactly as outputs write fields (compact fields each following the one before after one
    /// comma, as a compact JSON record has them), so the run is copied at once; <paramref name="bytes"/>
    /// are those bytes. -1 when field <paramref name="first"/> is not written so.
    /// </summary>
    public int CompactRun(int first, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        var fields = Fields;
        var last = -1;
        var previousEnd = -1;
        for (var i = first; i < fields.Length; i++)
        {
            ref readonly var field = ref fields[i];
            // Members of one object two bytes apart have exactly `,"` between them.
            if (!field.Compact || (i != first && field.Key.Start.Value != previousEnd + 2))
            {
                break;
            }

            last = i;
            previousEnd = field.Value.End.Value;
        }

        if (last >= 0)
        {
            bytes = Source[(fields[first].Key.Start.Value - 1)..previousEnd];
        }

        return last;
    }

    private void Clear()
    {
        _length = 0;
        Time = null;
        Severity = default;
        Message = null;
        MessageEscaped = false;
        _fieldCount = 0;
        FieldsAsWritten = null;
        Error = null;
    }
}
