using System.Text.Json.Nodes;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// A stand-in for the API server's audit policy evaluation, implementing its documented semantics
/// (audit.k8s.io/v1 Policy): rules are tried in order and the first that matches sets the level; a
/// rule matches when each of users, userGroups, verbs and namespaces it lists includes the request's,
/// resource rules (group, resources with <c>resource/subresource</c> and <c>*</c>) match only resource
/// requests, nonResourceURLs (a trailing <c>*</c> is a prefix) only the others; no match is None.
/// </summary>
public sealed class AuditPolicy(JsonObject policy)
{
    public static readonly IReadOnlyList<string> Levels = ["None", "Metadata", "Request", "RequestResponse"];

    public JsonArray Rules => policy["rules"]!.AsArray();

    /// <summary>The level of a request to a resource (<paramref name="resource"/> may be <c>resource/subresource</c>).</summary>
    public string LevelOf(string user, string[] groups, string verb, string group, string resource, string? ns = null) =>
        First(rule => Common(rule, user, groups, verb) && Resource(rule, group, resource, ns));

    /// <summary>The level of a request to a path that is no resource, such as <c>/healthz</c>.</summary>
    public string LevelOfPath(string user, string[] groups, string verb, string path) =>
        First(rule => Common(rule, user, groups, verb) && rule["resources"] is null && rule["namespaces"] is null
            && (rule["nonResourceURLs"] is not JsonArray urls || urls.Any(url => Matches((string)url!, path))));

    private string First(Func<JsonObject, bool> matches) =>
        Rules.OfType<JsonObject>().FirstOrDefault(matches) is { } rule ? (string)rule["level"]! : "None";

    private static bool Common(JsonObject rule, string user, string[] groups, string verb) =>
        Lists(rule, "users", [user]) && Lists(rule, "userGroups", groups) && Lists(rule, "verbs", [verb]);

    private static bool Resource(JsonObject rule, string group, string resource, string? ns)
    {
        if (rule["nonResourceURLs"] is not null || !Lists(rule, "namespaces", [ns ?? ""]))
        {
            return false;
        }

        if (rule["resources"] is not JsonArray kinds)
        {
            return true;
        }

        var name = resource.Split('/')[0];
        return kinds.OfType<JsonObject>().Any(kind => ((string?)kind["group"] ?? "") == group
            && (kind["resources"] is not JsonArray names || names.Any(n => (string)n! == resource || (string)n! == "*" || (string)n! == name + "/*")));
    }

    private static bool Lists(JsonObject rule, string field, string[] values) =>
        rule[field] is not JsonArray listed || listed.Any(item => values.Contains((string)item!));

    private static bool Matches(string pattern, string path) =>
        pattern.EndsWith('*') ? path.StartsWith(pattern[..^1], StringComparison.Ordinal) : path == pattern;
}
