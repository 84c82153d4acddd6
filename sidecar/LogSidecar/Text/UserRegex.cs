using System.Text.RegularExpressions;

namespace LogSidecar.Text;

/// <summary>
/// Compiles patterns from the configuration. The app's lines are not ours to trust, so a pattern is
/// decided on .NET's linear-time engine (<see cref="RegexOptions.NonBacktracking"/>: no catastrophic
/// backtracking whatever the line) whenever its constructs allow. Backreferences, lookarounds,
/// atomic groups, conditionals and <c>\G</c> need the backtracking engine: those patterns keep it,
/// bounded by a timeout per match, and <see cref="RegexUse.Backtracking"/> is told why.
/// </summary>
internal static class UserRegex
{
    /// <summary>The pattern on the linear-time engine, or null (and <paramref name="use"/> told why) when it needs backtracking.</summary>
    public static Regex? Linear(string pattern, RegexOptions options, RegexUse use)
    {
        try
        {
            return new Regex(pattern, options | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException e)
        {
            use.Backtracking(e.Message);
            return null;
        }
    }

    /// <summary>The pattern on the backtracking engine, each match limited to <paramref name="timeout"/>.</summary>
    public static Regex Backtracking(string pattern, RegexOptions options, TimeSpan timeout) => new(pattern, options, timeout);
}
