namespace LogSidecar.Injector.Mutation;

/// <summary>RFC 6901 JSON Pointer building.</summary>
internal static class JsonPointer
{
    /// <summary>Escapes one reference token: <c>~</c> becomes <c>~0</c>, then <c>/</c> becomes <c>~1</c>.</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Joins already-unescaped tokens into a pointer.</summary>
    public static string Of(params string[] tokens) => "/" + string.Join('/', tokens.Select(Escape));

    /// <summary>Splits a pointer into unescaped tokens.</summary>
    public static string[] Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new FormatException($"JSON pointer '{pointer}' does not start with '/'");
        }

        return [.. pointer[1..].Split('/').Select(token => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }
}
