using System.Buffers;

namespace LogSidecar.Text;

/// <summary>
/// Escapes valid UTF-8 into the body of a JSON string. Runs of plain bytes are found with a
/// vectorised search and copied in bulk: this is the hottest loop of the stdout path.
/// </summary>
internal static class JsonEscaper
{
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(BuildEscapeSet());

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Worst case growth: a control byte becomes <c>\u00XX</c>.</summary>
    public static int MaxOutputLength(int inputLength) => checked(inputLength * 6);

    /// <summary>
    /// An upper bound of the escaped length of <paramref name="utf8"/>, counted rather than the sixfold
    /// worst case: a buffer sized by it for a huge line does not ask six times the line's size.
    /// </summary>
    public static int MaxOutputLength(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length;
        for (var at = utf8.IndexOfAny(NeedsEscape); at >= 0; at = utf8.IndexOfAny(NeedsEscape))
        {
            length += 5;
            utf8 = utf8[(at + 1)..];
        }

        return length;
    }

    /// <summary>Writes the escaped form of <paramref name="utf8"/> into <paramref name="output"/>; returns bytes written.</summary>
    public static int Escape(ReadOnlySpan<byte> utf8, Span<byte> output)
    {
        var written = 0;
        while (true)
        {
            var plain = utf8.IndexOfAny(NeedsEscape);
            if (plain < 0)
            {
                utf8.CopyTo(output[written..]);
                return written + utf8.Length;
            }

            utf8[..plain].CopyTo(output[written..]);
            written += plain;
            written += EscapeByte(utf8[plain], output[written..]);
            utf8 = utf8[(plain + 1)..];
        }
    }

    /// <summary>
    /// The largest cut point at or below <paramref name="limit"/> that splits neither an escape
    /// sequence nor a multi-byte character, so each piece is a valid JSON string body on its own.
    /// </summary>
    public static int SafeCut(ReadOnlySpan<byte> escaped, int limit)
    {
        var cut = Utf8Sanitizer.CharacterCut(escaped, limit);
        if (cut == escaped.Length)
        {
            return cut;
        }

        // An escape is at most 6 bytes (\u00XX); find one that starts before the cut and ends after it.
        for (var start = Math.Max(0, cut - 5); start < cut; start++)
        {
            if (escaped[start] == (byte)'\\' && IsEscapeStart(escaped, start))
            {
                var length = escaped[start + 1] == (byte)'u' ? 6 : 2;
                if (start + length > cut)
                {
                    return start;
                }

                start += length - 1;
            }
        }

        return cut;
    }

    private static bool IsEscapeStart(ReadOnlySpan<byte> escaped, int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && escaped[i] == (byte)'\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0;
    }

    private static int EscapeByte(byte b, Span<byte> output)
    {
        output[0] = (byte)'\\';
        var shortForm = b switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            (byte)'\t' => (byte)'t',
            (byte)'\b' => (byte)'b',
            (byte)'\f' => (byte)'f',
            _ => (byte)0,
        };
        if (shortForm != 0)
        {
            output[1] = shortForm;
            return 2;
        }

        output[1] = (byte)'u';
        output[2] = (byte)'0';
        output[3] = (byte)'0';
        output[4] = Hex[b >> 4];
        output[5] = Hex[b & 0xF];
        return 6;
    }

    private static byte[] BuildEscapeSet()
    {
        var set = new byte[34];
        for (var i = 0; i < 32; i++)
        {
            set[i] = (byte)i;
        }

        set[32] = (byte)'"';
        set[33] = (byte)'\\';
        return set;
    }
}
