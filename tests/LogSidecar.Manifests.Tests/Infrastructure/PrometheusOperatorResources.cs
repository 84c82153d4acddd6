using System.Text.Json.Nodes;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// The Prometheus Operator's custom resources (monitoring.coreos.com/v1) have no KubernetesClient model:
/// every object under <c>spec</c> is checked against the fields the operator's API defines there (only
/// those these manifests may use), so a misspelled or misplaced field fails instead of being dropped.
/// </summary>
public static class PrometheusOperatorResources
{
    private static readonly HashSet<string> LabelSelector = ["matchLabels", "matchExpressions"];
    private static readonly HashSet<string> SelectorRequirement = ["key", "operator", "values"];
    private static readonly HashSet<string> NamespaceSelector = ["any", "matchNames"];
    private static readonly HashSet<string> RelabelConfig = ["sourceLabels", "separator", "targetLabel", "regex", "modulus", "replacement", "action"];

    // Object paths under spec ("[]" for the items of a list) and their fields; null: a map of strings (labels, annotations).
    private static readonly Dictionary<string, Dictionary<string, HashSet<string>?>> Schemas = new(StringComparer.Ordinal)
    {
        ["PodMonitor"] = new(StringComparer.Ordinal)
        {
            ["spec"] = ["selector", "namespaceSelector", "podMetricsEndpoints", "jobLabel", "podTargetLabels", "sampleLimit", "targetLimit"],
            ["spec.selector"] = LabelSelector,
            ["spec.selector.matchLabels"] = null,
            ["spec.selector.matchExpressions[]"] = SelectorRequirement,
            ["spec.namespaceSelector"] = NamespaceSelector,
            ["spec.podMetricsEndpoints[]"] = ["port", "path", "scheme", "interval", "scrapeTimeout", "honorLabels", "honorTimestamps", "relabelings", "metricRelabelings"],
            ["spec.podMetricsEndpoints[].relabelings[]"] = RelabelConfig,
            ["spec.podMetricsEndpoints[].metricRelabelings[]"] = RelabelConfig,
        },
        ["ServiceMonitor"] = new(StringComparer.Ordinal)
        {
            ["spec"] = ["selector", "namespaceSelector", "endpoints", "jobLabel", "targetLabels", "podTargetLabels", "sampleLimit", "targetLimit"],
            ["spec.selector"] = LabelSelector,
            ["spec.selector.matchLabels"] = null,
            ["spec.selector.matchExpressions[]"] = SelectorRequirement,
            ["spec.namespaceSelector"] = NamespaceSelector,
            ["spec.endpoints[]"] = ["port", "path", "scheme", "interval", "scrapeTimeout", "honorLabels", "honorTimestamps", "tlsConfig", "relabelings", "metricRelabelings"],
            ["spec.endpoints[].tlsConfig"] = ["ca", "cert", "keySecret", "serverName", "insecureSkipVerify"],
            ["spec.endpoints[].tlsConfig.ca"] = ["secret", "configMap"],
            ["spec.endpoints[].tlsConfig.ca.secret"] = ["name", "key", "optional"],
            ["spec.endpoints[].tlsConfig.ca.configMap"] = ["name", "key", "optional"],
            ["spec.endpoints[].relabelings[]"] = RelabelConfig,
            ["spec.endpoints[].metricRelabelings[]"] = RelabelConfig,
        },
        ["PrometheusRule"] = new(StringComparer.Ordinal)
        {
            ["spec"] = ["groups"],
            ["spec.groups[]"] = ["name", "interval", "rules", "limit"],
            ["spec.groups[].rules[]"] = ["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"],
            ["spec.groups[].rules[].labels"] = null,
            ["spec.groups[].rules[].annotations"] = null,
        },
    };

    public static bool Is(JsonObject document) => (string?)document["apiVersion"] == "monitoring.coreos.com/v1";

    public static void Check(JsonObject document)
    {
        var kind = (string?)document["kind"] ?? "";
        var what = KubernetesModels.Describe(document);
        Assert.True(Schemas.TryGetValue(kind, out var schema), $"{what}: unexpected monitoring.coreos.com/v1 kind");
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], document.Select(pair => pair.Key).Order(StringComparer.Ordinal));
        CheckObject(Assert.IsType<JsonObject>(document["spec"]), "spec", schema, what);
    }

    private static void CheckObject(JsonObject node, string path, Dictionary<string, HashSet<string>?> schema, string what)
    {
        Assert.True(schema.TryGetValue(path, out var allowed), $"{what}: {path} is an object where monitoring.coreos.com/v1 expects none (or one these manifests do not use)");
        if (allowed is null)
        {
            var notText = node.Where(pair => pair.Value?.GetValueKind() != System.Text.Json.JsonValueKind.String).Select(pair => pair.Key).ToList();
            Assert.True(notText.Count == 0, $"{what}: {path} must map names to strings; not strings: {string.Join(", ", notText)}");
            return;
        }

        var unknown = node.Select(pair => pair.Key).Where(key => !allowed.Contains(key)).ToList();
        Assert.True(unknown.Count == 0, $"{what}: {path} has fields monitoring.coreos.com/v1 does not define there: {string.Join(", ", unknown)}");
        foreach (var (key, value) in node)
        {
            switch (value)
            {
                case JsonObject child:
                    CheckObject(child, $"{path}.{key}", schema, what);
                    break;
                case JsonArray items:
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        CheckObject(item, $"{path}.{key}[]", schema, what);
                    }

                    break;
            }
        }
    }
}
