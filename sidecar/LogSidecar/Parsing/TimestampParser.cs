using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// Parses record timestamps. With no configured formats it recognises RFC 3339 / ISO 8601 (also
/// with a space, a comma before the fraction, '/' in the date and no zone, taken as UTC), epoch
/// numbers (seconds, milliseconds, microseconds or nanoseconds by magnitude) and common layouts
/// (nginx/Apache, syslog). Configured formats are tried in order: <c>rfc3339</c>, <c>epoch_s</c>,
/// <c>epoch_ms</c>, <c>epoch_us</c>, <c>epoch_ns</c>, or a .NET custom format string. Layouts
/// without a year take the year of the reference time (when the line was read).
/// </summary>
internal sealed class TimestampParser
{
    public const string Rfc3339 = "rfc3339";

    private static readonly string[] CommonLayouts =
    [
        "dd/MMM/yyyy:HH:mm:ss zzz", // nginx, Apache
        "dd/MMM/yyyy HH:mm:ss",     // Django runserver
        "MMM d HH:mm:ss",           // syslog (RFC 3164)
        "MMM dd HH:mm:ss",
        "dd-MMM-yyyy HH:mm:ss.fff", // Tomcat
        "ddd MMM dd HH:mm:ss yyyy",
    ];

    // yyyy-MM-ddTHH:mm:ss
    private const int IsoHeadLength = 19;

    private readonly string[] _formats;
    private IsoHead? _lastHead;

    public TimestampParser(IReadOnlyList<string> formats)
    {
        _formats = [.. formats];
    }

    public bool TryParse(ReadOnlySpan<byte> text, DateTimeOffset reference, out DateTimeOffset time)
    {
        text = ValueTrim.Ends(text, " \t\""u8);

        if (_formats.Length == 0)
        {
            return TryIsoRemembered(text, out time) || TryEpoch(text, unit: null, out time) || TryLayouts(text, CommonLayouts, reference, out time);
        }

        foreach (var format in _formats)
        {
            var parsed = format switch
            {
                Rfc3339 or "iso8601" => TryIsoRemembered(text, out time),
                "epoch_s" => TryEpoch(text, 1, out time),
                "epoch_ms" => TryEpoch(text, 1_000, out time),
                "epoch_us" => TryEpoch(text, 1_000_000, out time),
                "epoch_ns" => TryEpoch(text, 1_000_000_000, out time),
                _ => TryLayouts(text, [format], reference, out time),
            };
            if (parsed)
            {
                return true;
            }
        }

        time = default;
        return false;
    }

    /// <summary>yyyy-MM-dd[T ]HH:mm:ss[.fraction][Z|±hh:mm|±hhmm]; the whole text must match.</summary>
    public static bool TryIso(ReadOnlySpan<byte> s, out DateTimeOffset time)
    {
        time = default;
        return TryIsoHead(s, out var head) && TryIsoTail(s, head, out time);
    }

    /// <summary>
    /// <see cref="TryIso"/>, remembering the last date and time of day read: the records of one
    /// second share them, so only the fraction and the zone are read for the next.
    /// </summary>
    private bool TryIsoRemembered(ReadOnlySpan<byte> s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length < IsoHeadLength)
        {
            return false;
        }

        var text = IsoHead.Read(s);
        var last = _lastHead;
        if (last is not null && last.Text == text)
        {
            return TryIsoTail(s, last.Time, out time);
        }

        if (!TryIsoHead(s, out var head))
        {
            return false;
        }

        // Replaced whole, never changed: a reader on another thread sees an old head or a new one, both right.
        _lastHead = new IsoHead(text, head);
        return TryIsoTail(s, head, out time);
    }

    /// <summary>The date and time of day of <c>yyyy-MM-dd[T ]HH:mm:ss</c> (its first <see cref="IsoHeadLength"/> bytes), checked.</summary>
    private static bool TryIsoHead(ReadOnlySpan<byte> s, out DateTime head)
    {
        head = default;
        if (s.Length < IsoHeadLength || !Digits(s, 0, 4, out var year) || (s[4] != '-' && s[4] != '/') || !Digits(s, 5, 2, out var month)
            || s[7] != s[4] || !Digits(s, 8, 2, out var day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
            || !Digits(s, 11, 2, out var hour) || s[13] != ':' || !Digits(s, 14, 2, out var minute) || s[16] != ':' || !Digits(s, 17, 2, out var second)
            || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month)
            || hour > 23 || minute > 59 || second > 60 || year < 1)
        {
            return false;
        }

        head = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>The rest after the head: <c>[.fraction][Z|±hh:mm|±hhmm]</c> to the end of the text.</summary>
    private static bool TryIsoTail(ReadOnlySpan<byte> s, DateTime head, out DateTimeOffset time)
    {
        time = default;
        var pos = IsoHeadLength;
        long fractionTicks = 0;
        if (pos < s.Length && (s[pos] == '.' || s[pos] == ','))
        {
            var start = ++pos;
            var scale = TimeSpan.TicksPerSecond;
            while (pos < s.Length && s[pos] is >= (byte)'0' and <= (byte)'9')
            {
                scale /= 10;
                fractionTicks += (s[pos] - '0') * scale;
                pos++;
            }

            if (pos == start)
            {
                return false;
            }
        }

        var offset = TimeSpan.Zero;
        if (pos < s.Length)
        {
            if (s[pos] is (byte)'Z' or (byte)'z')
            {
                pos++;
            }
            else if (s[pos] is (byte)'+' or (byte)'-')
            {
                var sign = s[pos] == '-' ? -1 : 1;
                if (!Digits(s, pos + 1, 2, out var offsetHours))
                {
                    return false;
                }

                pos += 3;
                if (pos < s.Length && s[pos] == ':')
                {
                    pos++;
                }

                if (!Digits(s, pos, 2, out var offsetMinutes))
                {
                    return false;
                }

                pos += 2;
                offset = sign * new TimeSpan(offsetHours, offsetMinutes, 0);
            }
        }

        if (pos != s.Length || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        // In UTC, most records' zone, the ticks are the time already: no AddTicks or conversion per record (the head is at
        // most 9999-12-31T23:59:59 and the fraction under a second, so the sum stays in range).
        time = offset == TimeSpan.Zero
            ? new DateTimeOffset(head.Ticks + fractionTicks, TimeSpan.Zero)
            : new DateTimeOffset(head.AddTicks(fractionTicks), offset).ToUniversalTime();
        return true;
    }

    /// <summary>Epoch time; with no unit given it is chosen by magnitude (plausible dates only).</summary>
    private static bool TryEpoch(ReadOnlySpan<byte> s, long? unit, out DateTimeOffset time)
    {
        time = default;
        if (!Utf8Parser.TryParse(s, out decimal value, out var consumed) || consumed != s.Length || value <= 0)
        {
            return false;
        }

        var perSecond = unit ?? (value < 1e11m ? 1 : value < 1e14m ? 1_000 : value < 1e17m ? 1_000_000 : 1_000_000_000);
        var seconds = value / perSecond;
        if (seconds > 253_402_300_799m)
        {
            return false;
        }

        time = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    private static bool TryLayouts(ReadOnlySpan<byte> s, string[] layouts, DateTimeOffset reference, out DateTimeOffset time)
    {
        time = default;
        if (s.Length is 0 or > 64)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(s);
        foreach (var layout in layouts)
        {
            if (DateTimeOffset.TryParseExact(text, layout, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out time))
            {
                if (!layout.Contains('y', StringComparison.Ordinal))
                {
                    time = WithReferenceYear(time, reference);
                }

                time = time.ToUniversalTime();
                return true;
            }
        }

        return false;
    }

    // A year-less time belongs to the year it was read in, unless that puts it in the future (read just after New Year).
    public static DateTimeOffset WithReferenceYear(DateTimeOffset time, DateTimeOffset reference)
    {
        var year = reference.Year;
        if (time.Month == 2 && time.Day == 29 && !DateTime.IsLeapYear(year))
        {
            year--;
        }

        var candidate = new DateTimeOffset(year, time.Month, time.Day, time.Hour, time.Minute, time.Second, time.Offset).AddTicks(time.Ticks % TimeSpan.TicksPerSecond);
        return candidate > reference.AddDays(2) ? candidate.AddYears(-1) : candidate;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (s[i] is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }

    /// <summary>The first bytes of an ISO time and the date and time of day they say.</summary>
    private sealed record IsoHead(IsoHeadText Text, DateTime Time)
    {
        /// <summary>The first <see cref="IsoHeadLength"/> bytes as three numbers (the last two overlap): compared in three steps, not a call.</summary>
        public static IsoHeadText Read(ReadOnlySpan<byte> s) => new(
            BinaryPrimitives.ReadUInt64LittleEndian(s),
            BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(s[(IsoHeadLength - 8)..]));
    }

    private readonly record struct IsoHeadText(ulong First, ulong Middle, ulong Last);
}
