using System.Buffers;
using System.Globalization;

namespace LogSidecar.Parsing;

/// <summary>
/// The Kubernetes components' klog format, <c>I0102 15:04:05.123456    1234 file.go:12] msg</c>,
/// including structured records (<c>] "Pod updated" pod="kube-system/dns" ready=true</c>) whose
/// quoted message and key=value tail become the message and fields. klog writes no year: the
/// year of the read time is used.
/// </summary>
internal sealed class KlogParser(LogfmtParser pairs) : IRecordParser
{
    public bool Parse(ParsedRecord record, DateTimeOffset readTime)
    {
        var text = record.Source;
        // Lmmdd hh:mm:ss.uuuuuu
        if (text.Length < 22 || SeverityParser.Parse(text[..1]) is not { IsKnown: true } severity
            || !TimestampParser.TryIso(Iso(text, readTime.Year, stackalloc byte[26]), out var time))
        {
            record.Error = "not a klog header (Lmmdd hh:mm:ss.uuuuuu)";
            return false;
        }

        var rest = text[21..].TrimStart((byte)' ');
        var space = rest.IndexOf((byte)' ');
        var bracket = rest.IndexOf("] "u8);
        if (space <= 0 || bracket < space)
        {
            record.Error = "not a klog header (missing thread id or file:line])";
            return false;
        }

        record.Time = TimestampParser.WithReferenceYear(time, readTime);
        record.Severity = severity;
        record.AddField("thread"u8, rest[..space], FieldKind.Text);
        record.AddField("source"u8, rest[(space + 1)..bracket], FieldKind.Text);
        var message = rest[(bracket + 2)..];
        return message.StartsWith("\""u8) ? ParseStructured(message, readTime, record) : SetPlain(message, record);
    }

    private static bool SetPlain(ReadOnlySpan<byte> message, ParsedRecord record)
    {
        record.SetMessage(message, escaped: false);
        return true;
    }

    private bool ParseStructured(ReadOnlySpan<byte> message, DateTimeOffset readTime, ParsedRecord record)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(message.Length);
        try
        {
            if (!LogfmtScanner.Unquote(message, buffer, out var consumed, out var length))
            {
                return SetPlain(message, record);
            }

            // The message is copied into the record before the buffer is reused for the tail.
            record.SetMessage(buffer.AsSpan(0, length), escaped: false);
            return pairs.ParsePairs(new LogfmtScanner(message[consumed..], buffer), readTime, record, requirePair: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Rewrites "mmdd hh:mm:ss.uuuuuu" as ISO "yyyy-mm-ddThh:mm:ss.uuuuuu" for the shared ISO parser.
    private static ReadOnlySpan<byte> Iso(ReadOnlySpan<byte> text, int year, Span<byte> iso)
    {
        if (text[5] != (byte)' ')
        {
            return default;
        }

        year.TryFormat(iso, out _, "D4", CultureInfo.InvariantCulture);
        iso[4] = (byte)'-';
        text.Slice(1, 2).CopyTo(iso[5..]);
        iso[7] = (byte)'-';
        text.Slice(3, 2).CopyTo(iso[8..]);
        iso[10] = (byte)'T';
        text.Slice(6, 15).CopyTo(iso[11..]);
        return iso[..26];
    }
}
