using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LogSidecar.Parsing;

/// <summary>
/// Finds the top-level properties of a line holding one JSON object (RFC 8259) in a single pass,
/// checking the grammar of every value, nested ones included, so a value written out as it was
/// read is valid JSON. The line is valid UTF-8 already (the preparer made it so), which is why this
/// is cheaper than <see cref="System.Text.Json.Utf8JsonReader"/>: the quotes, backslashes and
/// control characters of 64 bytes are found at once, so the end of a string is one bit search and
/// no byte is checked twice. It only says yes or no: a line it refuses is given to the reader,
/// whose error message says what is wrong.
/// </summary>
internal ref struct JsonObjectScanner
{
    // Deeper than this is refused here (the reader's own limit is 64 and decides those lines).
    private const int MaxDepth = 63;

    private const int Window = 64;

    private readonly ReadOnlySpan<byte> _text;

    // A bit for each byte from _windowStart on (64 of them, fewer at the end of the line) that ends a string's plain run.
    private ulong _stops;
    private int _windowStart = -Window;

    private JsonObjectScanner(ReadOnlySpan<byte> text) => _text = text;

    /// <summary>Adds the object's properties to <paramref name="properties"/> and says whether the whole line is one valid object.</summary>
    public static bool TryScan(ReadOnlySpan<byte> line, JsonProperties properties)
    {
        var scanner = new JsonObjectScanner(line);
        var i = SkipWhitespace(line, 0);
        if ((uint)i >= (uint)line.Length || line[i] != '{')
        {
            return false;
        }

        i = scanner.ScanObject(i, 1, properties);
        return i >= 0 && SkipWhitespace(line, i) == line.Length;
    }

    /// <summary>The index after the value starting at <paramref name="i"/>, or -1 when there is no valid value there.</summary>
    private int ScanValue(int i, int depth)
    {
        if ((uint)i >= (uint)_text.Length)
        {
            return -1;
        }

        switch (KindOf(_text[i]))
        {
            case FieldKind.String:
                return ScanString(i + 1, out _);
            case FieldKind.Object:
                return depth >= MaxDepth ? -1 : ScanObject(i, depth + 1, properties: null);
            case FieldKind.Array:
                return depth >= MaxDepth ? -1 : ScanArray(i, depth + 1);
            case FieldKind.True:
                return Literal(_text, i, "true"u8);
            case FieldKind.False:
                return Literal(_text, i, "false"u8);
            case FieldKind.Null:
                return Literal(_text, i, "null"u8);
            default:
                return ScanNumber(_text, i);
        }
    }

    /// <summary>The type of the value whose first byte is <paramref name="first"/>, if it is valid (anything else is read as a number).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FieldKind KindOf(byte first) => first switch
    {
        (byte)'"' => FieldKind.String,
        (byte)'{' => FieldKind.Object,
        (byte)'[' => FieldKind.Array,
        (byte)'t' => FieldKind.True,
        (byte)'f' => FieldKind.False,
        (byte)'n' => FieldKind.Null,
        _ => FieldKind.Number,
    };

    /// <summary>
    /// The index after the object whose brace is at <paramref name="i"/>, or -1; its members are
    /// added to <paramref name="properties"/> when given (the line's own object).
    /// </summary>
    private int ScanObject(int i, int depth, JsonProperties? properties)
    {
        var text = _text;
        i = SkipWhitespace(text, i + 1);
        if ((uint)i < (uint)text.Length && text[i] == '}')
        {
            return i + 1;
        }

        while ((uint)i < (uint)text.Length && text[i] == '"')
        {
            var keyStart = i + 1;
            i = ScanString(keyStart, out var keyEscaped);
            if (i < 0)
            {
                return -1;
            }

            // Compact JSON, as loggers write it, has the colon right after the key and the value right
            // after the colon: one look each, and whitespace is skipped only where there is some.
            var keyEnd = i - 1;
            if ((uint)i < (uint)text.Length && text[i] != ':')
            {
                i = SkipWhitespace(text, i);
            }

            if ((uint)i >= (uint)text.Length || text[i] != ':')
            {
                return -1;
            }

            var valueStart = i + 1;
            if ((uint)valueStart < (uint)text.Length && text[valueStart] <= ' ')
            {
                valueStart = SkipWhitespace(text, valueStart);
            }

            if ((uint)valueStart >= (uint)text.Length)
            {
                return -1;
            }

            bool valueEscaped;
            FieldKind kind;
            var first = text[valueStart];
            if (first == '"')
            {
                // Most values of a log record are strings, then numbers: read them without the dispatch.
                kind = FieldKind.String;
                i = ScanString(valueStart + 1, out valueEscaped);
            }
            else if (char.IsAsciiDigit((char)first))
            {
                (kind, valueEscaped) = (FieldKind.Number, false);
                i = ScanNumber(text, valueStart);
            }
            else
            {
                (kind, valueEscaped) = (KindOf(first), false);
                i = ScanValue(valueStart, depth);
            }

            if (i < 0)
            {
                return -1;
            }

            properties?.Add(keyStart, keyEnd, keyEscaped, valueStart, i, kind, valueEscaped);

            // NextMember's steps, written out: through its out flag they cost about 75 more instructions a record.
            if ((uint)i < (uint)text.Length && text[i] <= ' ')
            {
                i = SkipWhitespace(text, i);
            }

            if ((uint)i >= (uint)text.Length)
            {
                return -1;
            }

            if (text[i] != ',')
            {
                return text[i] == '}' ? i + 1 : -1;
            }

            i++;
            if ((uint)i < (uint)text.Length && text[i] <= ' ')
            {
                i = SkipWhitespace(text, i);
            }
        }

        return -1;
    }

    private int ScanArray(int i, int depth)
    {
        i = SkipWhitespace(_text, i + 1);
        if (i < _text.Length && _text[i] == ']')
        {
            return i + 1;
        }

        while (i >= 0)
        {
            i = NextMember(ScanValue(i, depth), (byte)']', out var closed);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int NextMember(int i, byte close, out bool closed)
    {
        closed = false;
        if (i < 0)
        {
            return -1;
        }

        i = SkipWhitespace(_text, i);
        if ((uint)i >= (uint)_text.Length)
        {
            return -1;
        }

        var b = _text[i];
        if (b == ',')
        {
            return SkipWhitespace(_text, i + 1);
        }

        closed = b == close;
        return closed ? i + 1 : -1;
    }

    /// <summary>The index after the string whose text starts at <paramref name="i"/> (after its opening quote), or -1; <paramref name="escaped"/> when it holds escapes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanString(int i, out bool escaped)
    {
        // Most strings end at their first stop: that takes a few instructions, in line. Any other
        // stop that leaves the string valid is an escape.
        i = NextStop(i);
        escaped = (uint)i >= (uint)_text.Length || _text[i] != '"';
        return escaped ? ScanEscapedString(i) : i + 1;
    }

    /// <summary>The rest of a string from the stop at <paramref name="i"/> that is not its closing quote: an escape, a raw control character or the line's end.</summary>
    private int ScanEscapedString(int i)
    {
        while ((uint)i < (uint)_text.Length)
        {
            switch (_text[i])
            {
                case (byte)'"':
                    return i + 1;
                case (byte)'\\':
                    i = ScanEscape(_text, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                default:
                    return -1; // a raw control character
            }

            i = NextStop(i);
        }

        return -1;
    }

    /// <summary>The index of the first quote, backslash or control character from <paramref name="i"/> on, or the text's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextStop(int i)
    {
        var offset = (uint)(i - _windowStart);
        if (offset < Window)
        {
            var stops = _stops >> (int)offset;
            if (stops != 0)
            {
                return i + BitOperations.TrailingZeroCount(stops);
            }
        }

        return NextStopInNewWindows(i);
    }

    private int NextStopInNewWindows(int i)
    {
        if ((uint)(i - _windowStart) < Window)
        {
            i = _windowStart + Window; // the window holds no stop from i on
        }

        for (; i < _text.Length; i += Window)
        {
            (_windowStart, _stops) = (i, StopsFrom(i));
            if (_stops != 0)
            {
                return i + BitOperations.TrailingZeroCount(_stops);
            }
        }

        return _text.Length;
    }

    /// <summary>The stop bits of the 64 bytes from <paramref name="i"/> on; none past the end of the line.</summary>
    private readonly ulong StopsFrom(int i)
    {
        ref var start = ref MemoryMarshal.GetReference(_text);
        if (i + Window <= _text.Length)
        {
            return Stops(ref start, i)
                | ((ulong)Stops(ref start, i + 16) << 16)
                | ((ulong)Stops(ref start, i + 32) << 32)
                | ((ulong)Stops(ref start, i + 48) << 48);
        }

        ulong stops = 0;
        for (var block = 0; block < Window && i + block < _text.Length; block += Vector128<byte>.Count)
        {
            stops |= (ulong)TailStops(ref start, i + block) << block;
        }

        return stops;
    }

    /// <summary>The stop bits of the (up to 16) bytes from <paramref name="i"/> to the end of the line, which is near.</summary>
    private readonly uint TailStops(ref byte start, int i)
    {
        if (i + Vector128<byte>.Count <= _text.Length)
        {
            return Stops(ref start, i);
        }

        if (_text.Length >= Vector128<byte>.Count)
        {
            // The line's last 16 bytes, without those before i.
            var last = _text.Length - Vector128<byte>.Count;
            return Stops(ref start, last) >> (i - last);
        }

        var stops = 0u;
        for (var at = i; at < _text.Length; at++)
        {
            if (_text[at] is (byte)'"' or (byte)'\\' or < 0x20)
            {
                stops |= 1u << (at - i);
            }
        }

        return stops;
    }

    /// <summary>A bit for each of the 16 bytes from <paramref name="i"/> that is a quote, a backslash or a control character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Stops(ref byte start, int i)
    {
        var block = Vector128.LoadUnsafe(ref start, (nuint)i);
        return (Vector128.Equals(block, Vector128.Create((byte)'"'))
            | Vector128.Equals(block, Vector128.Create((byte)'\\'))
            | Vector128.LessThan(block, Vector128.Create((byte)0x20))).ExtractMostSignificantBits();
    }

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into ScanValue and the member loop, its callers
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

    // In line, so each literal is compared as a constant of known length.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
