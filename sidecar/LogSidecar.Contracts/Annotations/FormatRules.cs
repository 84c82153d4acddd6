using System.Text.RegularExpressions;

namespace LogSidecar.Contracts.Annotations;

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
    /// Checks one format/regex/multiline triple. For the annotations <paramref name="fieldPrefix"/> is
    /// empty and each field has its own key; inside <c>config</c> all three report under the config key
    /// with a field prefix such as <c>streams[0].</c>.
    /// </summary>
    public static void Check(string? format, string? regex, string? multiline, FormatKeys keys, string fieldPrefix, AnnotationFindings findings)
    {
        string Where(string field) => fieldPrefix.Length == 0 ? "" : $"{fieldPrefix}{field}: ";
        string? Detail(string field) => fieldPrefix.Length == 0 ? null : $" {fieldPrefix}{field}";

        var formatOk = false;
        if (format is not null)
        {
            if (AnnotationValues.Formats.Contains(format, StringComparer.Ordinal))
            {
                formatOk = true;
                findings.Apply(keys.Format);
                findings.Pending(keys.Format, Detail("format"));
            }
            else
            {
                findings.Ignore(keys.Format, $"{Where("format")}'{format}' is not one of: {string.Join(", ", AnnotationValues.Formats)}; records are read as {AnnotationValues.DefaultFormat}");
            }
        }

        var isRegexFormat = formatOk && format == AnnotationValues.RegexFormat;
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
                findings.Apply(keys.Regex);
                findings.Pending(keys.Regex, Detail("regex"));
            }
        }
        else if (isRegexFormat)
        {
            findings.Deny(keys.Format, $"{Where("format")}format regex needs a pattern; add {(fieldPrefix.Length == 0 ? AnnotationKeys.Regex : fieldPrefix + "regex")} with named groups, for example (?<level>\\w+) (?<message>.*)");
        }

        if (multiline is not null)
        {
            if (AnnotationValues.MultilinePresets.Contains(multiline, StringComparer.Ordinal))
            {
                findings.Apply(keys.Multiline);
                findings.Pending(keys.Multiline, Detail("multiline"));
            }
            else if (CheckRegex(multiline, needsNamedGroups: false) is { } problem)
            {
                findings.Deny(keys.Multiline, $"{Where("multiline")}neither a preset ({string.Join(", ", AnnotationValues.MultilinePresets)}) nor a valid first-line regex: {problem}");
            }
            else
            {
                findings.Apply(keys.Multiline);
                findings.Pending(keys.Multiline, Detail("multiline"));
            }
        }
    }
}
