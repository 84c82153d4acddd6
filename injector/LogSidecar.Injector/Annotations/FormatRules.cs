using System.Text.RegularExpressions;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Injector.Annotations;

/// <summary>Validation shared by the <c>format</c>/<c>regex</c>/<c>multiline</c> annotations and the per-stream fields of <c>config</c>.</summary>
internal static class FormatRules
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Null when the regular expression compiles, else the parser's complaint.</summary>
    public static string? CheckRegex(string pattern, bool needsNamedGroups)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            return $"'{pattern}' is not a valid .NET regular expression ({e.Message})";
        }

        if (needsNamedGroups && !regex.GetGroupNames().Any(name => !int.TryParse(name, out _)))
        {
            return $"'{pattern}' has no named group; name the fields, for example (?<level>\\w+) (?<message>.*)";
        }

        return null;
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
                findings.Ignore(keys.Format, $"{Where("format")}'{format}' is not one of: {string.Join(", ", RecordFormats.All)}; records are read as {RecordFormats.Plain}");
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
            else if (CheckRegex(regex, needsNamedGroups: true) is { } problem)
            {
                findings.Deny(keys.Regex, $"{Where("regex")}{problem}");
            }
            else
            {
                chosenRegex = regex;
                findings.Apply(keys.Regex);
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
            else if (CheckRegex(multiline, needsNamedGroups: false) is { } problem)
            {
                findings.Deny(keys.Multiline, $"{Where("multiline")}neither a preset ({string.Join(", ", MultilinePresets.All)}) nor a valid first-line regex: {problem}");
            }
            else
            {
                chosenMultiline = new MultilineConfig { FirstLine = multiline };
                findings.Apply(keys.Multiline);
            }
        }

        return new FormatChoice(chosenFormat, chosenRegex, chosenMultiline);
    }
}
