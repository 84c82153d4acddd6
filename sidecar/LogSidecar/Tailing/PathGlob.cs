using System.IO.Enumeration;

namespace LogSidecar.Tailing;

/// <summary>
/// An absolute path glob: <c>*</c> and <c>?</c> match within one path segment, <c>**</c> matches
/// any number of segments. The directories before the first wildcard are the base directory, so
/// only that subtree is listed on each poll.
/// </summary>
internal sealed class PathGlob
{
    private readonly string[] _segments;

    public PathGlob(string pattern)
    {
        Pattern = pattern;
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var fixedCount = 0;
        while (fixedCount < parts.Length - 1 && !HasWildcard(parts[fixedCount]))
        {
            fixedCount++;
        }

        BaseDirectory = "/" + string.Join('/', parts[..fixedCount]);
        _segments = parts[fixedCount..];
        Recursive = _segments.Length > 1;
    }

    public string Pattern { get; }

    /// <summary>The deepest directory that contains every match.</summary>
    public string BaseDirectory { get; }

    private bool Recursive { get; }

    /// <summary>The files that match now; a missing base directory yields none.</summary>
    public IEnumerable<string> Enumerate()
    {
        if (!Directory.Exists(BaseDirectory))
        {
            return [];
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = Recursive,
            IgnoreInaccessible = true,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        return new FileSystemEnumerable<string>(
            BaseDirectory,
            (ref entry) => entry.ToFullPath(),
            options)
        {
            ShouldIncludePredicate = (ref entry) => !entry.IsDirectory && Matches(entry.ToFullPath()),
        };
    }

    /// <summary>True when <paramref name="path"/> (absolute) matches the glob.</summary>
    public bool Matches(string path)
    {
        var prefix = BaseDirectory == "/" ? "/" : BaseDirectory + "/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path[prefix.Length..].Split('/');
        return MatchSegments(_segments, rest);
    }

    /// <summary>Matches a glob against a file name alone (for excludes written without a slash).</summary>
    public static bool MatchesName(string pattern, string name) =>
        FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false);

    private static bool MatchSegments(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
    {
        if (pattern.IsEmpty)
        {
            return path.IsEmpty;
        }

        if (pattern[0] == "**")
        {
            for (var skip = 0; skip <= path.Length; skip++)
            {
                if (MatchSegments(pattern[1..], path[skip..]))
                {
                    return true;
                }
            }

            return false;
        }

        return !path.IsEmpty
            && FileSystemName.MatchesSimpleExpression(pattern[0], path[0], ignoreCase: false)
            && MatchSegments(pattern[1..], path[1..]);
    }

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;
}
