using System.Text.RegularExpressions;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>Validation shared by the <c>format</c>/<c>regex</c>/<c>multiline</c> annotations and the per-stream fields of <c>config</c>.</summary>
internal static class FormatRules
{
    /// <summary>Longest pattern accepted: checking it costs the admission request, running it costs every line.</summary>
    public const int MaxPatternLength = 4096;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Null when the regular expression compiles, else what is wrong with it. The sidecar runs a pattern
    /// with the linear-time engine (<see cref="RegexOptions.NonBacktracking"/>) when its features allow;
    /// <paramref name="backtracking"/> says why one cannot, so the user learns it runs with a per-line timeout.
    /// </summary>
    public static string? CheckRegex(string pattern, bool needsNamedGroups, out string? backtracking)
    {
        backtracking = null;
        var shown = ValueText.Quote(pattern);
        if (pattern.Length > MaxPatternLength)
        {
            return $"{shown} is longer than {MaxPatternLength} characters";
        }

        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (RegexParseException e)
        {
            return $"{shown} is not a valid .NET regular expression: {ParseError(e)}";
        }
        catch (ArgumentException e)
        {
            return $"{shown} is not a valid .NET regular expression: {e.Message.TrimEnd('.')}";
        }

        if (needsNamedGroups && !regex.GetGroupNames().Any(name => !int.TryParse(name, out _)))
        {
            return $"{shown} has no named group; name the fields, for example (?<level>\\w+) (?<message>.*)";
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException e)
        {
            backtracking = NonBacktrackingProblem(e.Message);
        }

        return null;
    }

    // "Invalid pattern '...' at offset 11. Unrecognized grouping construct." without the pattern, which may be long.
    private static string ParseError(RegexParseException e)
    {
        var marker = $"at offset {e.Offset}. ";
        var at = e.Message.IndexOf(marker, StringComparison.Ordinal);
        var reason = at < 0 ? e.Error.ToString() : e.Message[(at + marker.Length)..].TrimEnd('.');
        return $"{reason.ToLowerInvariant()} at offset {e.Offset}";
    }

    // "... not supported in conjunction with expressions containing: 'backreference (\ number)'." -> "backreference (\ number)".
    private static string NonBacktrackingProblem(string message)
    {
        const string Containing = "containing: ";
        var at = message.IndexOf(Containing, StringComparison.Ordinal);
        return at < 0 ? "it is too large for the linear-time engine" : $"it uses {message[(at + Containing.Length)..].Trim('\'', '.')}";
    }

    /// <summary>
    /// Checks one format/regex/multiline triple and returns the valid parts. For the annotations
    /// <paramref name="fieldPrefix"/> is empty and each field has its own key; inside <c>config</c> all
    /// three report under the config key with a field prefix such as <c>streams[0].</c>.
    /// The sidecar applies all three.
    /// </summary>
    public static FormatChoice Check(string? format, string? regex, string? multiline, FormatKeys keys, string fieldPrefix, AnnotationFindings findings)
    {
        string Where(string field) => fieldPrefix.Length == 0 ? "" : $"{fieldPrefix}{field}: ";

        string? chosenFormat = null;
        if (format is not null)
        {
            if (RecordFormats.All.Contains(format, StringComparer.Ordinal))
            {
                chosenFormat = format;
                findings.Apply(keys.Format);
            }
            else
            {
                findings.Ignore(keys.Format, $"{Where("format")}{ValueText.Quote(format)} is not one of: {string.Join(", ", RecordFormats.All)}; records are read as {RecordFormats.Plain}");
            }
        }

        string? chosenRegex = null;
        var isRegexFormat = chosenFormat == RecordFormats.Regex;
        if (regex is not null)
        {
            if (!isRegexFormat)
            {
                findings.Ignore(keys.Regex, $"{Where("regex")}ignored because the format is not regex; set the format to regex to use it");
            }
            else if (CheckRegex(regex, needsNamedGroups: true, out var backtracking) is { } problem)
            {
                findings.Deny(keys.Regex, $"{Where("regex")}{problem}");
            }
            else
            {
                chosenRegex = regex;
                findings.Apply(keys.Regex);
                WarnBacktracking(keys.Regex, Where("regex"), backtracking, findings);
            }
        }
        else if (isRegexFormat)
        {
            findings.Deny(keys.Format, $"{Where("format")}format regex needs a pattern; add {(fieldPrefix.Length == 0 ? AnnotationKeys.Regex : fieldPrefix + "regex")} with named groups, for example (?<level>\\w+) (?<message>.*)");
        }

        MultilineConfig? chosenMultiline = null;
        if (multiline is not null)
        {
            if (MultilinePresets.All.Contains(multiline, StringComparer.Ordinal))
            {
                chosenMultiline = new MultilineConfig { Preset = multiline };
                findings.Apply(keys.Multiline);
            }
            else if (CheckRegex(multiline, needsNamedGroups: false, out var backtracking) is { } problem)
            {
                findings.Deny(keys.Multiline, $"{Where("multiline")}neither a preset ({string.Join(", ", MultilinePresets.All)}) nor a valid first-line regex: {problem}");
            }
            else
            {
                chosenMultiline = new MultilineConfig { FirstLine = multiline };
                findings.Apply(keys.Multiline);
                WarnBacktracking(keys.Multiline, Where("multiline"), backtracking, findings);
            }
        }

        return new FormatChoice(chosenFormat, chosenRegex, chosenMultiline);
    }

    private static void WarnBacktracking(string key, string where, string? backtracking, AnnotationFindings findings)
    {
        if (backtracking is not null)
        {
            findings.Warn(key, $"{where}the pattern needs the backtracking engine ({backtracking}), so the sidecar runs it with a time limit per line instead of in linear time; write it without that feature if you can");
        }
    }
}
