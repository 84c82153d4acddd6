using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LogSidecar.Parsing;

/// <summary>
/// Finds the top-level properties of a line holding one JSON object (RFC 8259) in a single pass,
/// checking the grammar of every value, nested ones included, so a value written out as it was
/// read is valid JSON. The line is valid UTF-8 already (the preparer made it so), which is why this
/// is cheaper than <see cref="System.Text.Json.Utf8JsonReader"/>: string runs are found 16 bytes
/// at a time and no byte is checked twice. It only says yes or no: a line it refuses is
/// given to the reader, whose error message says what is wrong.
/// </summary>
internal static class JsonObjectScanner
{
    // Deeper than this is refused here (the reader's own limit is 64 and decides those lines).
    private const int MaxDepth = 63;

    /// <summary>Adds the object's properties to <paramref name="properties"/> and says whether the whole line is one valid object.</summary>
    public static bool TryScan(ReadOnlySpan<byte> line, List<JsonProperty> properties)
    {
        var i = SkipWhitespace(line, 0);
        if ((uint)i >= (uint)line.Length || line[i] != '{')
        {
            return false;
        }

        i = ScanObject(line, i, 1, properties);
        return i >= 0 && SkipWhitespace(line, i) == line.Length;
    }

    /// <summary>The index after the value starting at <paramref name="i"/>, or -1 when there is no valid value there.</summary>
    private static int ScanValue(ReadOnlySpan<byte> text, int i, int depth, out FieldKind kind, out bool escaped)
    {
        escaped = false;
        kind = FieldKind.Null;
        if ((uint)i >= (uint)text.Length)
        {
            return -1;
        }

        switch (text[i])
        {
            case (byte)'"':
                kind = FieldKind.String;
                return ScanString(text, i + 1, out escaped);
            case (byte)'{':
                kind = FieldKind.Object;
                return depth >= MaxDepth ? -1 : ScanObject(text, i, depth + 1, properties: null);
            case (byte)'[':
                kind = FieldKind.Array;
                return depth >= MaxDepth ? -1 : ScanArray(text, i, depth + 1);
            case (byte)'t':
                kind = FieldKind.True;
                return Literal(text, i, "true"u8);
            case (byte)'f':
                kind = FieldKind.False;
                return Literal(text, i, "false"u8);
            case (byte)'n':
                return Literal(text, i, "null"u8);
            default:
                kind = FieldKind.Number;
                return ScanNumber(text, i);
        }
    }

    /// <summary>
    /// The index after the object whose brace is at <paramref name="i"/>, or -1; its members are
    /// added to <paramref name="properties"/> when given (the line's own object).
    /// </summary>
    private static int ScanObject(ReadOnlySpan<byte> text, int i, int depth, List<JsonProperty>? properties)
    {
        i = SkipWhitespace(text, i + 1);
        if ((uint)i < (uint)text.Length && text[i] == '}')
        {
            return i + 1;
        }

        while ((uint)i < (uint)text.Length && text[i] == '"')
        {
            var keyStart = i + 1;
            i = ScanString(text, keyStart, out var keyEscaped);
            if (i < 0)
            {
                return -1;
            }

            var keyEnd = i - 1;
            i = SkipWhitespace(text, i);
            if ((uint)i >= (uint)text.Length || text[i] != ':')
            {
                return -1;
            }

            var valueStart = SkipWhitespace(text, i + 1);
            FieldKind kind;
            bool valueEscaped;
            if ((uint)valueStart < (uint)text.Length && text[valueStart] == '"')
            {
                // Most values of a log record are strings: read them without the dispatch.
                kind = FieldKind.String;
                i = ScanString(text, valueStart + 1, out valueEscaped);
            }
            else
            {
                i = ScanValue(text, valueStart, depth, out kind, out valueEscaped);
            }

            if (i < 0)
            {
                return -1;
            }

            properties?.Add(new JsonProperty(keyStart, keyEnd, keyEscaped, valueStart, i, kind, valueEscaped));
            i = NextMember(text, i, (byte)'}', out var closed);
            if (closed)
            {
                return i;
            }
        }

        return -1;
    }

    private static int ScanArray(ReadOnlySpan<byte> text, int i, int depth)
    {
        i = SkipWhitespace(text, i + 1);
        if (i < text.Length && text[i] == ']')
        {
            return i + 1;
        }

        while (i >= 0)
        {
            i = NextMember(text, ScanValue(text, i, depth, out _, out _), (byte)']', out var closed);
            if (closed)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// After a member ending at <paramref name="i"/> (-1 when it was invalid): the index after
    /// <paramref name="close"/> (<paramref name="closed"/>) or, after a comma, where the next member
    /// starts; -1 when neither follows.
    /// </summary>
    private static int NextMember(ReadOnlySpan<byte> text, int i, byte close, out bool closed)
    {
        closed = false;
        if (i < 0)
        {
            return -1;
        }

        i = SkipWhitespace(text, i);
        if ((uint)i >= (uint)text.Length)
        {
            return -1;
        }

        var b = text[i];
        if (b == ',')
        {
            return SkipWhitespace(text, i + 1);
        }

        closed = b == close;
        return closed ? i + 1 : -1;
    }

    /// <summary>The index after the string whose text starts at <paramref name="i"/> (after its opening quote), or -1; <paramref name="escaped"/> when it holds escapes.</summary>
    private static int ScanString(ReadOnlySpan<byte> text, int i, out bool escaped)
    {
        escaped = false;
        while (true)
        {
            i = NextStop(text, i);
            if ((uint)i >= (uint)text.Length)
            {
                return -1;
            }

            switch (text[i])
            {
                case (byte)'"':
                    return i + 1;
                case (byte)'\\':
                    escaped = true;
                    i = ScanEscape(text, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                default:
                    return -1; // a raw control character
            }
        }
    }

    /// <summary>
    /// The index of the first quote, backslash or control character from <paramref name="i"/> on, or
    /// the text's length. Log strings are short: 16 bytes are tested at once in registers, where a
    /// general search pays more to start than the string costs; near the end of the line the last 16
    /// bytes are tested and those before <paramref name="i"/> ignored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextStop(ReadOnlySpan<byte> text, int i)
    {
        ref var start = ref MemoryMarshal.GetReference(text);
        for (; i + Vector128<byte>.Count <= text.Length; i += Vector128<byte>.Count)
        {
            var stops = Stops(Vector128.LoadUnsafe(ref start, (nuint)i));
            if (stops != 0)
            {
                return i + BitOperations.TrailingZeroCount(stops);
            }
        }

        if (text.Length >= Vector128<byte>.Count)
        {
            var last = text.Length - Vector128<byte>.Count;
            var stops = Stops(Vector128.LoadUnsafe(ref start, (nuint)last)) >> (i - last);
            return stops != 0 ? i + BitOperations.TrailingZeroCount(stops) : text.Length;
        }

        while (i < text.Length && !IsStop(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>A bit for each of the 16 bytes that is a quote, a backslash or a control character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Stops(Vector128<byte> block) =>
        (Vector128.Equals(block, Vector128.Create((byte)'"'))
        | Vector128.Equals(block, Vector128.Create((byte)'\\'))
        | Vector128.LessThan(block, Vector128.Create((byte)0x20))).ExtractMostSignificantBits();

    private static bool IsStop(byte b) => b is (byte)'"' or (byte)'\\' or < 0x20;

    /// <summary>The index after the escape starting with the backslash at <paramref name="i"/>, or -1.</summary>
    private static int ScanEscape(ReadOnlySpan<byte> text, int i)
    {
        if (i + 1 >= text.Length)
        {
            return -1;
        }

        switch (text[i + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return i + 2;
            case (byte)'u' when i + 6 <= text.Length && IsHex(text[i + 2]) && IsHex(text[i + 3]) && IsHex(text[i + 4]) && IsHex(text[i + 5]):
                return i + 6;
            default:
                return -1;
        }
    }

    /// <summary>-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?: the index after it, or -1.</summary>
    private static int ScanNumber(ReadOnlySpan<byte> text, int i)
    {
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit((char)text[i]))
        {
            return -1;
        }

        i = text[i] == '0' ? i + 1 : Digits(text, i);
        if (i < text.Length && text[i] == '.')
        {
            var end = Digits(text, i + 1);
            if (end == i + 1)
            {
                return -1;
            }

            i = end;
        }

        if (i < text.Length && (text[i] | 0x20) == 'e')
        {
            i++;
            if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var end = Digits(text, i);
            if (end == i)
            {
                return -1;
            }

            i = end;
        }

        return i;
    }

    private static int Digits(ReadOnlySpan<byte> text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        return i;
    }

    private static int Literal(ReadOnlySpan<byte> text, int i, ReadOnlySpan<byte> literal) =>
        text[i..].StartsWith(literal) ? i + literal.Length : -1;

    /// <summary>The index of the first byte from <paramref name="i"/> (at least 0) on that is not JSON whitespace, or the text's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> text, int i)
    {
        // Compact JSON has none: one comparison says so.
        for (; (uint)i < (uint)text.Length; i++)
        {
            var b = text[i];
            if (b > (byte)' ' || (b != ' ' && b != '\t' && b != '\r' && b != '\n'))
            {
                break;
            }
        }

        return i;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);
}
