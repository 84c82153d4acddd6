using System.Buffers.Text;
using System.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// Normalises severities as applications write them: names in any case (<c>warning</c>, <c>ERR</c>,
/// ASP.NET Core's <c>fail</c> and <c>crit</c>, Java's <c>SEVERE</c>), single letters (klog's
/// <c>I W E F</c>) and numbers (pino/bunyan 10-60, else OpenTelemetry 1-24).
/// </summary>
internal static class SeverityParser
{
    private const int MaxNameLength = 16;

    public static Severity Parse(ReadOnlySpan<byte> text)
    {
        text = ValueTrim.Ends(text, " \t"u8);

        if (text.IsEmpty || text.Length > MaxNameLength)
        {
            return default;
        }

        // Names start with a letter: only the rest may be numbers.
        if (!char.IsAsciiLetter((char)text[0]) && Utf8Parser.TryParse(text, out int number, out var consumed) && consumed == text.Length)
        {
            return FromNumber(number);
        }

        return text.Length <= ShortKeyTable<Severity>.MaxKeyLength ? FromShortName(text)
            : Ascii.EqualsIgnoreCase(text, "emergency"u8) ? Severity.Fatal
            : Ascii.EqualsIgnoreCase(text, "information"u8) ? Severity.Info
            : default;
    }

    /// <summary>
    /// A name of up to 8 letters, lower-cased into one 64-bit number as it is read and looked up in
    /// a <see cref="ShortKeyTable{T}"/>: this runs once per record, and lower-casing into a buffer
    /// to compare bytes costs more than the parse (bytes written one by one and read back wider stall).
    /// </summary>
    private static Severity FromShortName(ReadOnlySpan<byte> text)
    {
        ulong packed = 0;
        for (var i = text.Length - 1; i >= 0; i--)
        {
            var b = text[i];
            if (!char.IsAsciiLetter((char)b))
            {
                return default; // every known name is letters only
            }

            packed = (packed << 8) | (byte)(b | 0x20);
        }

        return ShortNames.TryFind(packed, text.Length, out var severity) ? severity : default;
    }

    /// <summary>The names of up to 8 letters, lower case, as <see cref="FromShortName"/> packs them.</summary>
    private static readonly ShortKeyTable<Severity> ShortNames = new([.. new (string Name, Severity Severity)[]
    {
        ("i", Severity.Info), ("w", Severity.Warn), ("e", Severity.Error), ("d", Severity.Debug),
        ("t", Severity.Trace), ("v", Severity.Trace), ("f", Severity.Fatal),
        ("inf", Severity.Info), ("wrn", Severity.Warn), ("err", Severity.Error), ("dbg", Severity.Debug), ("trc", Severity.Trace),
        ("info", Severity.Info), ("warn", Severity.Warn), ("fail", Severity.Error), ("eror", Severity.Error),
        ("crit", Severity.Fatal), ("trce", Severity.Trace), ("dbug", Severity.Debug), ("fine", Severity.Debug),
        ("error", Severity.Error), ("debug", Severity.Debug), ("trace", Severity.Trace), ("finer", Severity.Trace),
        ("fatal", Severity.Fatal), ("panic", Severity.Fatal), ("emerg", Severity.Fatal), ("alert", Severity.Fatal),
        ("notice", Severity.Info), ("severe", Severity.Error), ("config", Severity.Debug), ("finest", Severity.Trace),
        ("warning", Severity.Warn), ("verbose", Severity.Trace),
        ("critical", Severity.Fatal),
    }.Select(name => (Encoding.ASCII.GetBytes(name.Name), name.Severity))]);

    // pino and bunyan use 10..60 in steps of 10; any other number is taken as an OpenTelemetry number.
    private static Severity FromNumber(int number) => number switch
    {
        10 => Severity.Trace,
        20 => Severity.Debug,
        30 => Severity.Info,
        40 => Severity.Warn,
        50 => Severity.Error,
        60 => Severity.Fatal,
        >= 1 and <= 24 => new Severity(number),
        _ => default,
    };
}
