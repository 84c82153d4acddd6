namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Matches image references against allow-list patterns where <c>*</c> stands for any run of
/// characters within one path segment: it never crosses <c>/</c>, so <c>*.corp.example/app:*</c>
/// does not admit <c>attacker.io/x.corp.example/app:1</c>. The match takes time linear in the image's
/// length for a given pattern (each literal part of a segment is searched once, left to right; no
/// backtracking), so no value a pod sends can make it slow.
/// </summary>
internal static class ImageGlob
{
    public static bool Matches(string pattern, string image)
    {
        var patternSegments = pattern.Split('/');
        var imageSegments = image.Split('/');
        if (patternSegments.Length != imageSegments.Length)
        {
            return false;
        }

        for (var i = 0; i < patternSegments.Length; i++)
        {
            if (!SegmentMatches(patternSegments[i], imageSegments[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// One segment: the text must start with the part before the first <c>*</c>, end with the part after
    /// the last one, and hold the parts in between in order. Taking the leftmost place for each middle
    /// part is always right: it leaves the most room for the parts after it.
    /// </summary>
    private static bool SegmentMatches(string pattern, string text)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, text, StringComparison.Ordinal);
        }

        var first = parts[0];
        var last = parts[^1];
        if (text.Length < first.Length + last.Length
            || !text.StartsWith(first, StringComparison.Ordinal)
            || !text.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        var position = first.Length;
        var end = text.Length - last.Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            if (parts[i].Length == 0)
            {
                continue;
            }

            var found = text.AsSpan(position, end - position).IndexOf(parts[i], StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position += found + parts[i].Length;
        }

        return true;
    }
}
