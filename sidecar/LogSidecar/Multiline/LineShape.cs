namespace LogSidecar.Multiline;

/// <summary>Byte-level tests shared by the presets; they run on every line, so no regex and no allocation.</summary>
internal static class LineShape
{
    public static bool IsIndented(ReadOnlySpan<byte> line) => !line.IsEmpty && (line[0] == (byte)' ' || line[0] == (byte)'\t');

    public static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;

    public static bool StartsWith(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) => line.StartsWith(prefix);

    public static bool TrimmedStartsWith(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) => line.TrimStart(" \t"u8).StartsWith(prefix);

    /// <summary>
    /// A dotted type name whose last part ends with one of <paramref name="suffixes"/>, followed by
    /// ':' or the end of the line: <c>java.lang.IllegalStateException: msg</c>, <c>System.IO.IOException</c>.
    /// </summary>
    public static bool IsExceptionHeader(ReadOnlySpan<byte> line, ReadOnlySpan<string> suffixes)
    {
        var end = line.IndexOfAny((byte)':', (byte)' ');
        if (end >= 0 && line[end] == (byte)' ')
        {
            return false;
        }

        var name = end < 0 ? line : line[..end];
        if (name.IsEmpty || name.IndexOf((byte)'.') < 0 || !IsIdentifierStart(name[0]))
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!(IsIdentifierStart(b) || b is (byte)'.' or (byte)'$' or (>= (byte)'0' and <= (byte)'9')))
            {
                return false;
            }
        }

        foreach (var suffix in suffixes)
        {
            if (EndsWithAscii(name, suffix))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIdentifierStart(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (byte)'_';

    private static bool EndsWithAscii(ReadOnlySpan<byte> name, string suffix)
    {
        if (name.Length < suffix.Length)
        {
            return false;
        }

        var tail = name[^suffix.Length..];
        for (var i = 0; i < suffix.Length; i++)
        {
            if (tail[i] != suffix[i])
            {
                return false;
            }
        }

        return true;
    }
}
