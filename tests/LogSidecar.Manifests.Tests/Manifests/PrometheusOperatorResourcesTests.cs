using LogSidecar.Manifests.Tests.Infrastructure;
using Xunit.Sdk;

namespace LogSidecar.Manifests.Tests.Manifests;

/// <summary>The allowed-field check of the Prometheus Operator's resources catches what the operator would drop.</summary>
public sealed class PrometheusOperatorResourcesTests
{
    private const string PodMonitor = """
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: logsidecar, namespace: logsidecar-system}
        spec:
          namespaceSelector: {any: true}
          selector: {}
          podMetricsEndpoints:
          - port: logsidecar-prom
            relabelings: [{action: replace, targetLabel: job, replacement: logsidecar}]
        """;

    private const string Rule = """
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: logsidecar, namespace: logsidecar-system}
        spec:
          groups:
          - name: g
            rules:
            - alert: A
              expr: up == 0
              labels: {severity: warning}
              annotations: {summary: down}
        """;

    [Fact]
    public void ValidResourcesPass()
    {
        PrometheusOperatorResources.Check(YamlDocuments.Parse(PodMonitor)[0]);
        PrometheusOperatorResources.Check(YamlDocuments.Parse(Rule)[0]);
    }

    [Theory]
    [InlineData(PodMonitor, "- port: logsidecar-prom", "- prot: logsidecar-prom", "spec.podMetricsEndpoints[] has fields monitoring.coreos.com/v1 does not define there: prot")]
    [InlineData(PodMonitor, "targetLabel: job", "target_label: job", "spec.podMetricsEndpoints[].relabelings[] has fields monitoring.coreos.com/v1 does not define there: target_label")]
    [InlineData(PodMonitor, "namespaceSelector: {any: true}", "namespaceSelector: {any: true}\n  tlsConfig: {serverName: x}", "spec has fields monitoring.coreos.com/v1 does not define there: tlsConfig")]
    [InlineData(Rule, "expr: up == 0", "expression: up == 0", "spec.groups[].rules[] has fields monitoring.coreos.com/v1 does not define there: expression")]
    [InlineData(Rule, "labels: {severity: warning}", "labels: {severity: {level: warning}}", "spec.groups[].rules[].labels must map names to strings; not strings: severity")]
    public void AMisspelledOrMisplacedFieldFails(string yaml, string field, string replacement, string reported)
    {
        var document = YamlDocuments.Parse(yaml.Replace(field, replacement, StringComparison.Ordinal))[0];

        var failure = Assert.ThrowsAny<XunitException>(() => PrometheusOperatorResources.Check(document));
        Assert.Contains(reported, failure.Message, StringComparison.Ordinal);
    }
}
