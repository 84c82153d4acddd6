using System.Runtime.CompilerServices;
using LogSidecar.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// JSON lines: the object's time, severity and message keys are recognised (see
/// <see cref="WellKnownKeys"/>); every other property is kept as a field: ranges of the line's own
/// bytes with the value's JSON type, never copied. A recognised value that cannot be read as a time
/// or severity stays a field. Lines are read by <see cref="JsonObjectScanner"/>; one it refuses is
/// read again by <see cref="JsonObjectReader"/> for the reason.
/// </summary>
internal sealed class JsonLineParser(WellKnownKeys keys, TimestampParser timestamps) : IRecordParser
{
    // Times and levels are short; a longer escaped value is not one of them.
    private const int MaxUnescapedValue = 128;

    private readonly JsonProperties _properties = new();

    public bool Parse(ParsedRecord record, DateTimeOffset readTime)
    {
        var text = record.Source;
        _properties.Clear();
        if (!JsonObjectScanner.TryScan(text, _properties))
        {
            _properties.Clear();
            if (JsonObjectReader.Read(text, _properties) is { } error)
            {
                record.Error = error;
                return false;
            }
        }

        var properties = _properties.Span;
        var (time, level, message) = Recognise(text, properties, readTime, record);
        var fields = record.AddFields(properties.Length - (time >= 0 ? 1 : 0) - (level >= 0 ? 1 : 0) - (message >= 0 ? 1 : 0));
        var added = 0;
        var asWritten = true;
        var previousEnd = -1;
        for (var i = 0; i < properties.Length; i++)
        {
            if (i == time || i == level || i == message)
            {
                continue;
            }

            ref readonly var property = ref properties[i];
            ref var field = ref fields[added++];
            field.Key = property.Key;
            field.KeyEscaped = true; // a JSON record's key is valid JSON key text as it is, escaped or not
            field.Value = property.Value;
            field.Kind = property.Kind;
            field.Compact = property.ValueStart == property.KeyEnd + 2; // the closing quote and the colon
            // Each after the one before with exactly `,"` between them: one comma and the key's opening quote.
            asWritten &= field.Compact && (previousEnd < 0 || property.KeyStart == previousEnd + 2);
            previousEnd = property.ValueEnd;
        }

        if (asWritten && added > 0)
        {
            record.FieldsAsWritten = new Range(fields[0].Key.Start.Value - 1, previousEnd);
        }

        return true;
    }

    // The unescaping buffer is written before it is read: clearing it for every record is waste.
    [SkipLocalsInit]
    private (int Time, int Level, int Message) Recognise(ReadOnlySpan<byte> text, ReadOnlySpan<JsonProperty> properties, DateTimeOffset readTime, ParsedRecord record)
    {
        int time = -1, level = -1, message = -1;
        int timeRank = int.MaxValue, levelRank = int.MaxValue, messageRank = int.MaxValue;
        Span<byte> unescaped = stackalloc byte[MaxUnescapedValue];
        for (var i = 0; i < properties.Length; i++)
        {
            ref readonly var property = ref properties[i];
            if (property.KeyEscaped)
            {
                continue;
            }

            if (timeRank == 0 && levelRank == 0 && messageRank == 0)
            {
                break; // each preferred key found: nothing can rank better
            }

            var roles = keys.Find(text[property.KeyStart..property.KeyEnd]);
            if (roles.IsNone)
            {
                continue;
            }

            var value = text[property.ValueStart..property.ValueEnd];
            var unquoted = property.Kind != FieldKind.String ? value
                : property.ValueEscaped ? Unescape(value, unescaped)
                : value[1..^1];

            var rank = timeRank == 0 ? -1 : roles.Time;
            if (rank >= 0 && rank < timeRank && property.Kind is FieldKind.String or FieldKind.Number
                && timestamps.TryParse(unquoted, readTime, out var parsed))
            {
                (time, timeRank, record.Time) = (i, rank, parsed);
                continue;
            }

            rank = levelRank == 0 ? -1 : roles.Level;
            if (rank >= 0 && rank < levelRank && property.Kind is FieldKind.String or FieldKind.Number
                && SeverityParser.Parse(unquoted) is { IsKnown: true } severity)
            {
                (level, levelRank, record.Severity) = (i, rank, severity);
                continue;
            }

            rank = messageRank == 0 ? -1 : roles.Message;
            if (rank >= 0 && rank < messageRank && property.Kind == FieldKind.String)
            {
                (message, messageRank) = (i, rank);
            }
        }

        if (message >= 0)
        {
            ref readonly var value = ref properties[message];
            record.SetMessage(new Range(value.ValueStart + 1, value.ValueEnd - 1), escaped: true);
        }

        return (time, level, message);
    }

    /// <summary>
    /// A JSON string's text with its escapes resolved (serializers write <c>+</c> in an offset as
    /// <c>\u002B</c>), or empty when it is too long to be a time or a level.
    /// </summary>
    // Not inlined: its JSON reader would make every record's frame larger and clear it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> quoted, Span<byte> buffer)
    {
        return quoted.Length > buffer.Length ? [] : buffer[..JsonStringBody.CopyText(quoted, buffer)];
    }
}
