using System.Globalization;
using System.Text;

namespace LogSidecar.Injector.Text;

/// <summary>
/// How values from a pod or a request are echoed in warnings, denials and logs: quoted, with control
/// and invisible formatting characters escaped (a newline would start a forged line in a log or a
/// terminal), and cut when long (a 6 KB value is not sent back whole).
/// </summary>
internal static class ValueText
{
    /// <summary>Characters of a value shown before it is cut.</summary>
    public const int MaxShown = 64;

    /// <summary>Longest message a finding may have once its values are quoted: a bound, whatever a pod sends.</summary>
    public const int MaxMessage = 1024;

    /// <summary><c>'value'</c>, escaped, or <c>'first 64 characters…' (6400 characters)</c> when longer.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var shown = value.Length <= MaxShown ? value : value[..CutAt(value, MaxShown)];
        var text = new StringBuilder(shown.Length + 32).Append('\'');
        _ = Escape(shown, text);
        text.Append('\'');
        if (shown.Length < value.Length)
        {
            text.Insert(text.Length - 1, '…').Append(CultureInfo.InvariantCulture, $" ({value.Length} characters)");
        }

        return text.ToString();
    }

    /// <summary>A whole message made safe to show: control characters escaped, at most <see cref="MaxMessage"/> characters and a marker.</summary>
    public static string Message(string message)
    {
        if (!NeedsEscaping(message) && message.Length <= MaxMessage)
        {
            return message;
        }

        var text = new StringBuilder(Math.Min(message.Length, MaxMessage) + 16);
        if (!Escape(message, text, MaxMessage))
        {
            text.Append("… (cut)");
        }

        return text.ToString();
    }

    private static bool NeedsEscaping(string text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends <paramref name="value"/> escaped; false when it stopped at <paramref name="limit"/> characters of output.</summary>
    private static bool Escape(string value, StringBuilder text, int limit = int.MaxValue)
    {
        foreach (var c in value)
        {
            var escaped = c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when IsUnsafe(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => null,
            };
            var length = escaped?.Length ?? 1;
            if (text.Length + length > limit || (escaped is null && char.IsHighSurrogate(c) && text.Length + 2 > limit))
            {
                return false;
            }

            if (escaped is null)
            {
                text.Append(c);
            }
            else
            {
                text.Append(escaped);
            }
        }

        return true;
    }

    // Control characters, and format characters such as U+202E (right-to-left override) or U+2028
    // (line separator), which can make a message read differently from what it says.
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    // Never between the two halves of a surrogate pair.
    private static int CutAt(string value, int length) => char.IsHighSurrogate(value[length - 1]) ? length - 1 : length;
}
