using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>
/// A label selector as the API server reads the <c>labelSelector</c> query parameter (API concepts, "Labels and
/// Selectors"): requirements joined by commas, each <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>,
/// <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key</c> or <c>!key</c>. <c>!=</c> and <c>notin</c> match objects
/// without the key. An empty selector matches everything.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    private LabelSelector()
    {
    }

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        foreach (var requirement in Split(text ?? ""))
        {
            selector._requirements.Add(Requirement(requirement.Trim()));
        }

        return selector;
    }

    public bool Matches(JsonObject item)
    {
        var labels = item["metadata"]?["labels"] is JsonObject map
            ? map.Where(l => l.Value is not null).ToDictionary(l => l.Key, l => (string)l.Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        return _requirements.All(r => r(labels));
    }

    /// <summary>Commas inside parentheses belong to a set.</summary>
    private static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> Requirement(string text)
    {
        var words = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ", StringComparison.Ordinal) || words[1].StartsWith("notin ", StringComparison.Ordinal)))
        {
            var key = words[0];
            var negated = words[1].StartsWith("notin", StringComparison.Ordinal);
            var values = words[1][(negated ? 5 : 2)..].Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            return labels => labels.TryGetValue(key, out var value) ? values.Contains(value) != negated : negated;
        }

        if (text.Contains("!=", StringComparison.Ordinal))
        {
            var (key, value) = Pair(text, "!=");
            return labels => !labels.TryGetValue(key, out var actual) || actual != value;
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            var (key, value) = Pair(text, text.Contains("==", StringComparison.Ordinal) ? "==" : "=");
            return labels => labels.TryGetValue(key, out var actual) && actual == value;
        }

        return text.StartsWith('!') ? labels => !labels.ContainsKey(text[1..]) : labels => labels.ContainsKey(text);
    }

    private static (string Key, string Value) Pair(string text, string separator)
    {
        var at = text.IndexOf(separator, StringComparison.Ordinal);
        return (text[..at].Trim(), text[(at + separator.Length)..].Trim());
    }
}
