namespace LogSidecar.Parsing;

/// <summary>
/// One top-level property of a JSON object line, as offsets into the line: the key between its
/// quotes (escaped when <paramref name="KeyEscaped"/>), the value as written (a string with its
/// quotes, <paramref name="ValueEscaped"/> when it holds escapes) and the value's JSON type. Plain
/// offsets rather than ranges: the scanner makes one per property and the JIT keeps ints in registers.
/// </summary>
internal readonly record struct JsonProperty(int KeyStart, int KeyEnd, bool KeyEscaped, int ValueStart, int ValueEnd, FieldKind Kind, bool ValueEscaped)
{
    public Range Key => new(KeyStart, KeyEnd);

    public Range Value => new(ValueStart, ValueEnd);
}
