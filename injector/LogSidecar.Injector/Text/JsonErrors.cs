using System.Text.Json;

namespace LogSidecar.Injector.Text;

/// <summary>
/// What a <see cref="JsonException"/> from reading a document means, said for a person: the field
/// and what it should hold, not "could not be converted to System.String".
/// </summary>
internal static class JsonErrors
{
    public static string Describe(JsonException e)
    {
        var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : e.Path is "$" ? "the document" : null;
        var at = field is null ? "" : $"{field}: ";
        if (e.InnerException is InvalidOperationException inner && inner.Message.Contains("UTF-8", StringComparison.Ordinal))
        {
            return $"{at}the text is not valid UTF-8; send UTF-8 JSON";
        }

        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"{at}unknown key; check its spelling";
        }

        const string Converted = "could not be converted to ";
        var converted = message.IndexOf(Converted, StringComparison.Ordinal);
        if (converted >= 0)
        {
            var type = message[(converted + Converted.Length)..];
            var end = type.IndexOf(". ", StringComparison.Ordinal);
            return $"{at}wrong type: expected {Expected(end < 0 ? type : type[..end])}";
        }

        // The reader's own messages ("'x' is an invalid start of a value. LineNumber: 0 | ..."): the first sentence.
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        return at + (cut > 0 ? message[..cut] : message.TrimEnd('.')) + where;
    }

    private static string Expected(string type) => type switch
    {
        "System.String" => "a string",
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Boolean" => "true or false",
        _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list",
        _ when type.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object",
        _ => "an object",
    };
}
