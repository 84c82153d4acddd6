using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using LogSidecar.Text;

namespace LogSidecar.Multiline;

/// <summary>
/// A user's rule: lines matching a first-line regex start records, or lines matching a
/// continuation regex continue them. The regex runs in linear time where the pattern allows
/// (<see cref="UserRegex"/>); a backtracking match that times out starts a new record and is
/// reported, so a pathological pattern slows one line down instead of hanging the file.
/// </summary>
internal sealed class RegexLineRule(Regex regex, bool matchStartsRecord, RegexUse use) : ILineJoinRule
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static RegexLineRule FirstLine(string pattern, RegexUse use) => new(Compile(pattern, use), matchStartsRecord: true, use);

    public static RegexLineRule Continuation(string pattern, RegexUse use) => new(Compile(pattern, use), matchStartsRecord: false, use);

    public bool StartsRecord(ReadOnlySpan<byte> line)
    {
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(line.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(line, chars);
            var matched = regex.IsMatch(chars.AsSpan(0, length));
            return matched == matchStartsRecord;
        }
        catch (RegexMatchTimeoutException)
        {
            use.TimedOut();
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static Regex Compile(string pattern, RegexUse use) =>
        UserRegex.Linear(pattern, RegexOptions.CultureInvariant, use) ?? UserRegex.Backtracking(pattern, RegexOptions.CultureInvariant, MatchTimeout);
}
