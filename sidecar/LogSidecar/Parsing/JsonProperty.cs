namespace LogSidecar.Parsing;

/// <summary>
/// One top-level property of a JSON object line, as offsets into the line: the key between its
/// quotes (escaped when <see cref="KeyEscaped"/>), the value as written (a string with its quotes,
/// <see cref="ValueEscaped"/> when it holds escapes) and the value's JSON type. Plain offsets rather
/// than ranges, settable so <see cref="JsonProperties.Add"/> writes each one in place.
/// </summary>
internal record struct JsonProperty(int KeyStart, int KeyEnd, bool KeyEscaped, int ValueStart, int ValueEnd, FieldKind Kind, bool ValueEscaped)
{
    public readonly Range Key => new(KeyStart, KeyEnd);

    public readonly Range Value => new(ValueStart, ValueEnd);
}
