using System.Text.RegularExpressions;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Container image references as the distribution reference grammar defines them
/// (<c>[domain[:port]/]path[:tag][@digest]</c>, lowercase path components, a tag of at most 128
/// characters, a name of at most 255). Matched by a linear-time engine after a length check.
/// </summary>
internal static partial class ImageReference
{
    /// <summary>Longest name (domain and path) the grammar allows.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Longest reference accepted: a name, a tag and a long digest.</summary>
    public const int MaxLength = 512;

    /// <summary>Null when <paramref name="image"/> is a valid reference, else what is wrong with it.</summary>
    public static string? Check(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return "is empty; give an image such as ghcr.io/logsidecar/logsidecar:0.1.0";
        }

        var shown = ValueText.Quote(image);
        if (image.Length > MaxLength || NameLength(image) > MaxNameLength)
        {
            return $"{shown} is too long for an image reference (a name of at most {MaxNameLength} characters, a tag of at most 128)";
        }

        if (image.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return $"{shown} contains a space or a control character (such as a newline); give an image such as ghcr.io/logsidecar/logsidecar:0.1.0";
        }

        return Grammar().IsMatch(image)
            ? null
            : $"{shown} is not an image reference (REGISTRY/PATH:TAG or @sha256:DIGEST; lowercase path, a tag that is not empty); give one such as ghcr.io/logsidecar/logsidecar:0.1.0";
    }

    /// <summary>Null when <paramref name="pattern"/> is an allow-list glob whose <c>*</c> stand for parts of a valid reference.</summary>
    public static string? CheckPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return "is empty; remove it or give a pattern such as ghcr.io/logsidecar/logsidecar:*";
        }

        // A star stands for at least one character of a segment: with each replaced by letters (32 of them where a
        // digest's hex needs that many), the pattern must be a reference.
        return Check(pattern.Replace("*", "a", StringComparison.Ordinal)) is null || Check(pattern.Replace("*", new string('a', 32), StringComparison.Ordinal)) is null
            ? null
            : $"{ValueText.Quote(pattern)} is not an image pattern (an image reference in which * stands for part of a segment, such as ghcr.io/logsidecar/logsidecar:*)";
    }

    // The name ends where the tag or the digest starts: the last ':' after the last '/', or the '@'.
    private static int NameLength(string image)
    {
        var digest = image.IndexOf('@', StringComparison.Ordinal);
        var name = digest < 0 ? image : image[..digest];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? colon : name.Length;
    }

    // distribution/reference: domain (host[:port]) optional, path components of lowercase letters and
    // digits joined by '.', '_', '__' or dashes, tag [\w][\w.-]{0,127}, digest algorithm:hex(32+).
    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?"
        + @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
        + @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
        + @"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
