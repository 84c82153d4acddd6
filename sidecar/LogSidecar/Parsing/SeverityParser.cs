using System.Buffers.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// Normalises severities as applications write them: names in any case (<c>warning</c>, <c>ERR</c>,
/// ASP.NET Core's <c>fail</c> and <c>crit</c>, Java's <c>SEVERE</c>), single letters (klog's
/// <c>I W E F</c>) and numbers (pino/bunyan 10-60, else OpenTelemetry 1-24).
/// </summary>
internal static class SeverityParser
{
    public static Severity Parse(ReadOnlySpan<byte> text)
    {
        text = text.Trim(" \t"u8);
        if (text.IsEmpty || text.Length > 16)
        {
            return default;
        }

        if (Utf8Parser.TryParse(text, out int number, out var consumed) && consumed == text.Length)
        {
            return FromNumber(number);
        }

        Span<byte> lower = stackalloc byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            lower[i] = text[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(text[i] + 32) : text[i];
        }

        return lower switch
        {
            _ when lower.SequenceEqual("trace"u8) || lower.SequenceEqual("trce"u8) || lower.SequenceEqual("trc"u8) || lower.SequenceEqual("t"u8)
                || lower.SequenceEqual("verbose"u8) || lower.SequenceEqual("finest"u8) || lower.SequenceEqual("finer"u8) || lower.SequenceEqual("v"u8) => Severity.Trace,
            _ when lower.SequenceEqual("debug"u8) || lower.SequenceEqual("dbug"u8) || lower.SequenceEqual("dbg"u8) || lower.SequenceEqual("d"u8)
                || lower.SequenceEqual("fine"u8) || lower.SequenceEqual("config"u8) => Severity.Debug,
            _ when lower.SequenceEqual("info"u8) || lower.SequenceEqual("information"u8) || lower.SequenceEqual("inf"u8) || lower.SequenceEqual("i"u8)
                || lower.SequenceEqual("notice"u8) => Severity.Info,
            _ when lower.SequenceEqual("warn"u8) || lower.SequenceEqual("warning"u8) || lower.SequenceEqual("wrn"u8) || lower.SequenceEqual("w"u8) => Severity.Warn,
            _ when lower.SequenceEqual("error"u8) || lower.SequenceEqual("err"u8) || lower.SequenceEqual("eror"u8) || lower.SequenceEqual("e"u8)
                || lower.SequenceEqual("fail"u8) || lower.SequenceEqual("severe"u8) => Severity.Error,
            _ when lower.SequenceEqual("fatal"u8) || lower.SequenceEqual("crit"u8) || lower.SequenceEqual("critical"u8) || lower.SequenceEqual("f"u8)
                || lower.SequenceEqual("panic"u8) || lower.SequenceEqual("emerg"u8) || lower.SequenceEqual("emergency"u8) || lower.SequenceEqual("alert"u8) => Severity.Fatal,
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
