namespace LogSidecar.Parsing;

/// <summary>
/// One top-level property of a JSON object line, as ranges of the line: the key between its quotes
/// (escaped when <paramref name="KeyEscaped"/>), the value as written (a string with its quotes,
/// <paramref name="ValueEscaped"/> when it holds escapes) and the value's JSON type.
/// </summary>
internal readonly record struct JsonProperty(Range Key, bool KeyEscaped, Range Value, FieldKind Kind, bool ValueEscaped);
