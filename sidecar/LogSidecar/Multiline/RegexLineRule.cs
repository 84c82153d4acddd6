using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace LogSidecar.Multiline;

/// <summary>
/// A user's rule: lines matching a first-line regex start records, or lines matching a
/// continuation regex continue them. A regex that times out is treated as no match, so a
/// pathological pattern slows one line down instead of hanging the file.
/// </summary>
internal sealed class RegexLineRule(Regex regex, bool matchStartsRecord) : ILineJoinRule
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static RegexLineRule FirstLine(string pattern) => new(Compile(pattern), matchStartsRecord: true);

    public static RegexLineRule Continuation(string pattern) => new(Compile(pattern), matchStartsRecord: false);

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
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant, MatchTimeout);
}
