using System.Text;
using System.Text.RegularExpressions;

namespace LogSidecar.Parsing;

/// <summary>
/// A user's regex with named groups: <c>time</c>, <c>level</c> (or <c>severity</c>) and
/// <c>message</c> (or <c>msg</c>) are recognised, every other named group becomes a field.
/// Compiled once; a match that exceeds the timeout fails the record instead of hanging the sidecar.
/// </summary>
internal sealed class RegexParser : IRecordParser
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    private readonly Regex _regex;
    private readonly TimestampParser _timestamps;
    private readonly (int Number, string Name, byte[] Utf8Name)[] _groups;

    public RegexParser(string pattern, TimestampParser timestamps)
    {
        _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, MatchTimeout);
        _timestamps = timestamps;
        _groups = [.. _regex.GetGroupNames()
            .Where(name => !int.TryParse(name, out _))
            .Select(name => (_regex.GroupNumberFromName(name), name, Encoding.UTF8.GetBytes(name)))];
    }

    public bool Parse(ReadOnlySpan<byte> text, DateTimeOffset readTime, ParsedRecord record)
    {
        Match match;
        try
        {
            match = _regex.Match(Encoding.UTF8.GetString(text));
        }
        catch (RegexMatchTimeoutException)
        {
            record.Error = $"regex took longer than {MatchTimeout.TotalMilliseconds} ms";
            return false;
        }

        if (!match.Success)
        {
            record.Error = "regex did not match";
            return false;
        }

        foreach (var (number, name, utf8Name) in _groups)
        {
            var group = match.Groups[number];
            if (!group.Success)
            {
                continue;
            }

            var value = Encoding.UTF8.GetBytes(group.Value);
            switch (name)
            {
                case "time" when _timestamps.TryParse(value, readTime, out var time):
                    record.Time = time;
                    break;
                case "level" or "severity" when SeverityParser.Parse(value) is { IsKnown: true } severity:
                    record.Severity = severity;
                    break;
                case "message" or "msg":
                    record.SetMessage(value, escaped: false);
                    break;
                default:
                    record.AddField(utf8Name, keyEscaped: false, value, FieldKind.Text);
                    break;
            }
        }

        return true;
    }
}
