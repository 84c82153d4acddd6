using System.IO.Enumeration;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tailing;

/// <summary>
/// An absolute path glob: <c>*</c> and <c>?</c> match within one path segment, <c>**</c> matches
/// any number of segments (zero included, so a trailing <c>**</c> matches every file below). The
/// directories before the first wildcard are the base directory: only that subtree is listed, and
/// only files whose real path stays under it are read.
/// </summary>
/// <remarks>
/// Matching runs as a set of pattern positions (a bit mask), advanced one path segment at a time:
/// linear in the path, whatever the number of <c>**</c>, and it tells a directory walk both whether
/// a name matches and whether anything below a directory still can.
/// </remarks>
internal sealed class PathGlob
{
    private readonly string[] _segments;
    private readonly ulong _globStars;

    public PathGlob(string pattern)
    {
        Pattern = pattern;
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var fixedCount = 0;
        while (fixedCount < parts.Length - 1 && !HasWildcard(parts[fixedCount]))
        {
            fixedCount++;
        }

        // Normalised as text only ("a/../b" is "b"): resolving links here would let whoever controls
        // a link decide where the root is.
        BaseDirectory = Path.GetFullPath("/" + string.Join('/', parts[..fixedCount]));
        _segments = parts[fixedCount..];
        // One bit per segment plus "matched" in a ulong; the configuration validator refuses longer globs.
        if (_segments.Length > SidecarConfigValidator.MaxGlobSegments)
        {
            throw new ArgumentException($"'{pattern}' has more than {SidecarConfigValidator.MaxGlobSegments} segments", nameof(pattern));
        }

        for (var i = 0; i < _segments.Length; i++)
        {
            if (_segments[i] == "**")
            {
                _globStars |= 1UL << i;
            }
        }

        Start = Closure(1);
    }

    public string Pattern { get; }

    /// <summary>The deepest directory that contains every match, as written (lexically normalised).</summary>
    public string BaseDirectory { get; }

    /// <summary>The match state at <see cref="BaseDirectory"/>, before any segment.</summary>
    public ulong Start { get; }

    private ulong Matched => 1UL << _segments.Length;

    /// <summary>True when <paramref name="path"/> (absolute) matches the glob.</summary>
    public bool Matches(string path)
    {
        var prefix = BaseDirectory == "/" ? "/" : BaseDirectory + "/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var state = Start;
        var rest = path.AsSpan(prefix.Length);
        foreach (var segment in rest.Split('/'))
        {
            state = Step(state, rest[segment]);
            if (state == 0)
            {
                return false;
            }
        }

        return Accepts(state);
    }

    /// <summary>The match state after one more path segment; 0 when nothing below can match any more.</summary>
    public ulong Step(ulong state, ReadOnlySpan<char> name)
    {
        var next = 0UL;
        for (var i = 0; i < _segments.Length; i++)
        {
            var bit = 1UL << i;
            if ((state & bit) == 0)
            {
                continue;
            }

            if ((_globStars & bit) != 0)
            {
                next |= bit;
            }
            else if (FileSystemName.MatchesSimpleExpression(_segments[i], name, ignoreCase: false))
            {
                next |= bit << 1;
            }
        }

        return Closure(next);
    }

    /// <summary>True when the segments so far make a whole match (the name is a file the glob selects).</summary>
    public bool Accepts(ulong state) => (state & Matched) != 0;

    /// <summary>True when a longer path could still match (worth entering a directory with this state).</summary>
    public bool CanDescend(ulong state) => (state & (Matched - 1)) != 0;

    /// <summary>True when the resolved path <paramref name="real"/> lies under <see cref="BaseDirectory"/>.</summary>
    public bool Contains(string real) => BaseDirectory == "/"
        ? real.StartsWith('/')
        : real.Length > BaseDirectory.Length + 1
            && real.StartsWith(BaseDirectory, StringComparison.Ordinal)
            && real[BaseDirectory.Length] == '/';

    /// <summary>Matches a glob against a file name alone (for excludes written without a slash).</summary>
    public static bool MatchesName(string pattern, string name) =>
        FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false);

    // A "**" may match zero segments: being at its position means being just past it too.
    private ulong Closure(ulong state)
    {
        for (var i = 0; i < _segments.Length; i++)
        {
            if ((state & (1UL << i) & _globStars) != 0)
            {
                state |= 1UL << (i + 1);
            }
        }

        return state;
    }

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;
}
