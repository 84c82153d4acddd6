using System.Text.RegularExpressions;

namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// Which Elasticsearch/OpenSearch index patterns a sink accepts: shared so that the injector refuses
/// an annotation's index for the same reason the sidecar would refuse it in its configuration.
/// </summary>
public static partial class IndexNames
{
    /// <summary>What to change, for error messages.</summary>
    public const string Rule = "use lowercase letters, digits, '-', '_', '.' and the date fields %Y %m %d %H, not starting with '-', '_' or '+'";

    public static bool IsValid(string index) => Pattern().IsMatch(index);

    // Elasticsearch index rules (lowercase, none of \/*?"<>|,# space, no leading -_+) plus our date fields.
    [GeneratedRegex("^(?![-_+])([a-z0-9._-]|%[YmdH]){1,255}$")]
    private static partial Regex Pattern();
}
