namespace LogSidecar.Injector.Annotations;

/// <summary>Matches image references against allow-list patterns where <c>*</c> stands for any run of characters.</summary>
internal static class ImageGlob
{
    public static bool Matches(string pattern, string image) => Match(pattern.AsSpan(), image.AsSpan());

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (pattern.Length > 0)
        {
            if (pattern[0] == '*')
            {
                var rest = pattern[1..];
                for (var i = 0; i <= text.Length; i++)
                {
                    if (Match(rest, text[i..]))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (text.Length == 0 || pattern[0] != text[0])
            {
                return false;
            }

            pattern = pattern[1..];
            text = text[1..];
        }

        return text.Length == 0;
    }
}
