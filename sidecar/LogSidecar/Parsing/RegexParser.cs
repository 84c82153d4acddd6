using System.Text;
using System.Text.RegularExpressions;
using LogSidecar.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// A user's regex with named groups: <c>time</c>, <c>level</c> (or <c>severity</c>) and
/// <c>message</c> (or <c>msg</c>) are recognised, every other named group becomes a field.
/// Whether a line matches is decided in linear time where the pattern allows (<see cref="UserRegex"/>),
/// so a line built to make the pattern backtrack is rejected at the cost of reading it; the groups
/// of a line that matches are then read by the backtracking engine, which is several times faster at captures.
/// A backtracking match that exceeds the timeout fails the record instead of hanging the sidecar, and is reported.
/// </summary>
internal sealed class RegexParser : IRecordParser
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    private const string NoMatch = "regex did not match";

    private readonly Regex? _linear;
    private readonly Regex _regex;
    private readonly RegexUse _use;
    private readonly TimestampParser _timestamps;
    private readonly (int Number, string Name, byte[] Utf8Name)[] _groups;

    public RegexParser(string pattern, TimestampParser timestamps, RegexUse use)
    {
        _linear = UserRegex.Linear(pattern, Options, use);
        _regex = UserRegex.Backtracking(pattern, Options, MatchTimeout);
        _use = use;
        _timestamps = timestamps;
        _groups = [.. _regex.GetGroupNames()
            .Where(name => !int.TryParse(name, out _))
            .Select(name => (_regex.GroupNumberFromName(name), name, Encoding.UTF8.GetBytes(name)))];
    }

    public bool Parse(ParsedRecord record, DateTimeOffset readTime)
    {
        var text = record.Source;
        var line = Encoding.UTF8.GetString(text);
        if (_linear?.IsMatch(line) == false)
        {
            record.Error = NoMatch;
            return false;
        }

        Match match;
        try
        {
            match = _regex.Match(line);
        }
        catch (RegexMatchTimeoutException)
        {
            _use.TimedOut();
            record.Error = $"regex took longer than {MatchTimeout.TotalMilliseconds} ms";
            return false;
        }

        if (!match.Success)
        {
            record.Error = NoMatch;
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
