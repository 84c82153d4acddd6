using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>The shipped monitoring of <c>manifests/monitoring</c>: the PrometheusRule's alerts and the Grafana dashboard's queries.</summary>
public static partial class MonitoringManifests
{
    public const string Kustomization = "monitoring";

    public static string DashboardFile => Path.Combine(RepositoryLayout.Kustomization(Kustomization), "logsidecar-dashboard.json");

    public static JsonObject Dashboard() => JsonNode.Parse(File.ReadAllText(DashboardFile))!.AsObject();

    /// <summary>The rendered PrometheusRule's spec: its <c>groups</c> are what a Prometheus rule file holds.</summary>
    public static async Task<JsonObject> RuleGroupsAsync() =>
        (await Kustomize.DocumentAsync(Kustomization, "PrometheusRule", "logsidecar"))["spec"]!.AsObject();

    public static async Task<IReadOnlyList<AlertRule>> AlertsAsync() =>
        [.. (await RuleGroupsAsync())["groups"]!.AsArray()
            .SelectMany(group => group!["rules"]!.AsArray())
            .Where(rule => rule!["alert"] is not null)
            .Select(rule => new AlertRule((string)rule!["alert"]!, (string)rule["expr"]!))];

    /// <summary>Every panel's queries, rows' nested panels included.</summary>
    public static IReadOnlyList<PanelQuery> PanelQueries(JsonObject dashboard) =>
        [.. Panels(dashboard).SelectMany(panel => (panel["targets"] as JsonArray ?? []).Select(target =>
            new PanelQuery((string)panel["title"]!, (string)target!["refId"]!, (string)target["expr"]!)))];

    /// <summary>Every panel that is not a row, rows' nested panels included.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().OfType<JsonObject>()
            .SelectMany(panel => (string?)panel["type"] == "row" ? (panel["panels"] as JsonArray ?? []).OfType<JsonObject>() : [panel]);

    /// <summary>The metric selectors an expression reads, each with its label matchers: <c>up{job="logsidecar"}</c>.</summary>
    public static IReadOnlyList<string> Selectors(string expr) => [.. Selector().Matches(expr).Select(match => match.Value).Distinct(StringComparer.Ordinal)];

    /// <summary>The jobs an expression names in <c>job="..."</c> matchers.</summary>
    public static IEnumerable<string> Jobs(string expr) => JobMatcher().Matches(expr).Select(match => match.Groups[1].Value);

    // Our metrics, the process start time and up; not function names, not words inside label values.
    [GeneratedRegex(@"(?<![\w:""-])(logsidecar_[a-z0-9_]+|process_start_time_seconds|up)(?![\w(])(\{[^}]*\})?")]
    private static partial Regex Selector();

    [GeneratedRegex(@"job=""([^""]+)""")]
    private static partial Regex JobMatcher();
}
