using System.Diagnostics;

namespace LogSidecar.Parsing;

/// <summary>
/// Trims a time or level value only when one of its ends can need it. A general trim searches the
/// set at both ends of every value, which costs more than parsing the value; the values to trim
/// here are whitespace and quotes, all at most <c>"</c>, so one look at each end says whether to.
/// </summary>
internal static class ValueTrim
{
    private const byte Highest = (byte)'"';

    /// <summary><paramref name="text"/> without the bytes of <paramref name="set"/> (each at most <c>"</c>) at its ends.</summary>
    public static ReadOnlySpan<byte> Ends(ReadOnlySpan<byte> text, ReadOnlySpan<byte> set)
    {
        Debug.Assert(set.IndexOfAnyInRange((byte)(Highest + 1), byte.MaxValue) < 0, "the first look only sees bytes up to the quote");
        return text.Length > 0 && (text[0] <= Highest || text[^1] <= Highest) ? text.Trim(set) : text;
    }
}
