namespace LogSidecar.Parsing;

/// <summary>
/// A field of a parsed record: ranges into the record's scratch bytes. The key is JSON-escaped
/// already when <c>KeyEscaped</c> is set (it was copied from a JSON record).
/// </summary>
internal readonly record struct ParsedField(Range Key, bool KeyEscaped, Range Value, FieldKind Kind);
