using System.Text.Json;
using LogSidecar.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// JSON lines: the object's time, severity and message keys are recognised (see
/// <see cref="WellKnownKeys"/>); every other property is kept as a field: ranges of the line's own
/// bytes with the value's JSON type, never copied. A recognised value that cannot be read as a time
/// or severity stays a field.
/// </summary>
internal sealed class JsonLineParser(WellKnownKeys keys, TimestampParser timestamps) : IRecordParser
{
    // Times and levels are short; a longer escaped value is not one of them.
    private const int MaxUnescapedValue = 128;

    private readonly List<Property> _properties = [];

    public bool Parse(ParsedRecord record, DateTimeOffset readTime)
    {
        var text = record.Source;
        _properties.Clear();
        try
        {
            var reader = new Utf8JsonReader(text);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                record.Error = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var keyStart = (int)reader.TokenStartIndex + 1;
                var key = new Range(keyStart, keyStart + reader.ValueSpan.Length);
                var keyEscaped = reader.ValueIsEscaped;
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                var type = reader.TokenType;
                var escapedString = type == JsonTokenType.String && reader.ValueIsEscaped;
                reader.Skip();
                _properties.Add(new Property(key, keyEscaped, new Range(valueStart, (int)reader.BytesConsumed), type, escapedString));
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                record.Error = "not a single JSON object";
                return false;
            }
        }
        catch (JsonException e)
        {
            record.Error = "invalid JSON: " + e.Message.Split(" Path:", 2)[0];
            return false;
        }

        var (time, level, message) = Recognise(text, readTime, record);
        for (var i = 0; i < _properties.Count; i++)
        {
            if (i != time && i != level && i != message)
            {
                var property = _properties[i];
                // A key of a JSON record is valid JSON key text as it is, escaped or not.
                record.AddSourceField(property.Key, keyEscaped: true, property.Value, Kind(property.Type));
            }
        }

        return true;
    }

    private (int Time, int Level, int Message) Recognise(ReadOnlySpan<byte> text, DateTimeOffset readTime, ParsedRecord record)
    {
        int time = -1, level = -1, message = -1;
        int timeRank = int.MaxValue, levelRank = int.MaxValue, messageRank = int.MaxValue;
        Span<byte> unescaped = stackalloc byte[MaxUnescapedValue];
        for (var i = 0; i < _properties.Count; i++)
        {
            var property = _properties[i];
            if (property.KeyEscaped)
            {
                continue;
            }

            var key = text[property.Key];
            var value = text[property.Value];
            var unquoted = property.Type != JsonTokenType.String ? value
                : property.EscapedString ? Unescape(value, unescaped)
                : value[1..^1];
            if (timeRank == 0 && levelRank == 0 && messageRank == 0)
            {
                break; // each preferred key found: nothing can rank better
            }

            var rank = timeRank == 0 ? -1 : WellKnownKeys.Rank(keys.Time, key);
            if (rank >= 0 && rank < timeRank && property.Type is JsonTokenType.String or JsonTokenType.Number
                && timestamps.TryParse(unquoted, readTime, out var parsed))
            {
                (time, timeRank, record.Time) = (i, rank, parsed);
                continue;
            }

            rank = levelRank == 0 ? -1 : WellKnownKeys.Rank(keys.Level, key);
            if (rank >= 0 && rank < levelRank && property.Type is JsonTokenType.String or JsonTokenType.Number
                && SeverityParser.Parse(unquoted) is { IsKnown: true } severity)
            {
                (level, levelRank, record.Severity) = (i, rank, severity);
                continue;
            }

            rank = messageRank == 0 ? -1 : WellKnownKeys.Rank(keys.Message, key);
            if (rank >= 0 && rank < messageRank && property.Type == JsonTokenType.String)
            {
                (message, messageRank) = (i, rank);
            }
        }

        if (message >= 0)
        {
            var value = _properties[message].Value;
            record.SetMessage(new Range(value.Start.Value + 1, value.End.Value - 1), escaped: true);
        }

        return (time, level, message);
    }

    private static FieldKind Kind(JsonTokenType type) => type switch
    {
        JsonTokenType.String => FieldKind.String,
        JsonTokenType.Number => FieldKind.Number,
        JsonTokenType.True => FieldKind.True,
        JsonTokenType.False => FieldKind.False,
        JsonTokenType.StartObject => FieldKind.Object,
        JsonTokenType.StartArray => FieldKind.Array,
        _ => FieldKind.Null,
    };

    /// <summary>
    /// A JSON string's text with its escapes resolved (serializers write <c>+</c> in an offset as
    /// <c>\u002B</c>), or empty when it is too long to be a time or a level.
    /// </summary>
    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> quoted, Span<byte> buffer)
    {
        return quoted.Length > buffer.Length ? [] : buffer[..JsonStringBody.CopyText(quoted, buffer)];
    }

    private readonly record struct Property(Range Key, bool KeyEscaped, Range Value, JsonTokenType Type, bool EscapedString);
}
