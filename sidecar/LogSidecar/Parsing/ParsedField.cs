namespace LogSidecar.Parsing;

/// <summary>
/// A field of a parsed record: ranges of the record's bytes (see <see cref="ParsedRecord"/>). The key
/// is JSON-escaped already when <c>KeyEscaped</c> is set (it was copied from a JSON record).
/// <c>Compact</c>: the record's own bytes read <c>"key":value</c> exactly, as outputs write a field
/// (a JSON record's member without spaces), so a run of such fields can be copied at once.
/// Settable so a record writes its fields in place (see <see cref="ParsedRecord.AddFields"/>).
/// </summary>
internal record struct ParsedField(Range Key, bool KeyEscaped, Range Value, FieldKind Kind, bool Compact = false)
{
    /// <summary>True when the value is JSON as written (any kind but <see cref="FieldKind.Text"/>).</summary>
    public readonly bool IsJson => Kind != FieldKind.Text;
}
