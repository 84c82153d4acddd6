using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace LogSidecar.Parsing;

/// <summary>
/// Normalises severities as applications write them: names in any case (<c>warning</c>, <c>ERR</c>,
/// ASP.NET Core's <c>fail</c> and <c>crit</c>, Java's <c>SEVERE</c>), single letters (klog's
/// <c>I W E F</c>) and numbers (pino/bunyan 10-60, else OpenTelemetry 1-24).
/// </summary>
internal static class SeverityParser
{
    private const int MaxNameLength = 16;

    [SkipLocalsInit]
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

        // A constant size, written before it is read: no per-call sizing or clearing.
        Span<byte> lower = stackalloc byte[MaxNameLength];
        lower = lower[..text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            lower[i] = text[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(text[i] + 32) : text[i];
        }

        // Dispatch on length first: this runs once per record.
        ReadOnlySpan<byte> name = lower;
        return name.Length switch
        {
            1 => name[0] switch
            {
                (byte)'t' or (byte)'v' => Severity.Trace,
                (byte)'d' => Severity.Debug,
                (byte)'i' => Severity.Info,
                (byte)'w' => Severity.Warn,
                (byte)'e' => Severity.Error,
                (byte)'f' => Severity.Fatal,
                _ => default,
            },
            3 when name.SequenceEqual("trc"u8) => Severity.Trace,
            3 when name.SequenceEqual("dbg"u8) => Severity.Debug,
            3 when name.SequenceEqual("inf"u8) => Severity.Info,
            3 when name.SequenceEqual("wrn"u8) => Severity.Warn,
            3 when name.SequenceEqual("err"u8) => Severity.Error,
            4 when name.SequenceEqual("info"u8) => Severity.Info,
            4 when name.SequenceEqual("warn"u8) => Severity.Warn,
            4 when name.SequenceEqual("fail"u8) || name.SequenceEqual("eror"u8) => Severity.Error,
            4 when name.SequenceEqual("crit"u8) => Severity.Fatal,
            4 when name.SequenceEqual("trce"u8) => Severity.Trace,
            4 when name.SequenceEqual("dbug"u8) || name.SequenceEqual("fine"u8) => Severity.Debug,
            5 when name.SequenceEqual("error"u8) => Severity.Error,
            5 when name.SequenceEqual("debug"u8) => Severity.Debug,
            5 when name.SequenceEqual("trace"u8) || name.SequenceEqual("finer"u8) => Severity.Trace,
            5 when name.SequenceEqual("fatal"u8) || name.SequenceEqual("panic"u8) || name.SequenceEqual("emerg"u8) || name.SequenceEqual("alert"u8) => Severity.Fatal,
            6 when name.SequenceEqual("notice"u8) => Severity.Info,
            6 when name.SequenceEqual("severe"u8) => Severity.Error,
            6 when name.SequenceEqual("config"u8) => Severity.Debug,
            6 when name.SequenceEqual("finest"u8) => Severity.Trace,
            7 when name.SequenceEqual("warning"u8) => Severity.Warn,
            7 when name.SequenceEqual("verbose"u8) => Severity.Trace,
            8 when name.SequenceEqual("critical"u8) => Severity.Fatal,
            9 when name.SequenceEqual("emergency"u8) => Severity.Fatal,
            11 when name.SequenceEqual("information"u8) => Severity.Info,
            _ => default,
        };
    }

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
