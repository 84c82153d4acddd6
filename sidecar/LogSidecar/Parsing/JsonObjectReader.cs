using System.Text.Json;

namespace LogSidecar.Parsing;

/// <summary>
/// Reads a JSON object line's top-level properties with System.Text.Json's reader: slower than
/// <see cref="JsonObjectScanner"/>, but its messages say what is wrong and where, so it reads the
/// lines the scanner refuses, and it is the reference the scanner is tested against.
/// </summary>
internal static class JsonObjectReader
{
    /// <summary>Adds the properties of <paramref name="line"/>; null when it is one JSON object, else why not.</summary>
    public static string? Read(ReadOnlySpan<byte> line, JsonProperties properties)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "not a JSON object";
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var keyStart = (int)reader.TokenStartIndex + 1;
                var keyEnd = keyStart + reader.ValueSpan.Length;
                var keyEscaped = reader.ValueIsEscaped;
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                var kind = Kind(reader.TokenType);
                var valueEscaped = kind == FieldKind.String && reader.ValueIsEscaped;
                reader.Skip();
                properties.Add(keyStart, keyEnd, keyEscaped, valueStart, (int)reader.BytesConsumed, kind, valueEscaped);
            }

            // The reader refuses anything after the object itself (it reads one value), so this only says no to a truncated one.
            return reader.TokenType != JsonTokenType.EndObject || reader.Read() ? "not a single JSON object" : null;
        }
        catch (JsonException e)
        {
            return "invalid JSON: " + e.Message.Split(" Path:", 2)[0];
        }
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
}
