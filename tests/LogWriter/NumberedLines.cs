using System.Globalization;
using System.Text;

namespace LogWriter;

/// <summary>The numbered lines the tailing tests count: "line 00000001 ..." and a fixed tail, 69 bytes each.</summary>
public static class NumberedLines
{
    public static string Text(long first, int count)
    {
        var text = new StringBuilder(count * 69);
        for (var n = first; n < first + count; n++)
        {
            text.Append(CultureInfo.InvariantCulture, $"line {n:D8} the quick brown fox jumps over the lazy dog 0123456789\n");
        }

        return text.ToString();
    }
}
