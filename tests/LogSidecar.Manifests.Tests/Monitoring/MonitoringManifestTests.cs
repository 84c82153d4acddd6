using System.Text.Json.Nodes;
using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Monitoring;

/// <summary>manifests/monitoring fits the install it monitors: the monitors find what the rules and dashboard read.</summary>
public sealed class MonitoringManifestTests
{
    private const string SidecarPortName = "logsidecar-prom";

    [Fact]
    public async Task ThePodMonitorScrapesEverySidecarByItsMetricsPortNameInEveryNamespace()
    {
        var monitor = await Kustomize.DocumentAsync(MonitoringManifests.Kustomization, "PodMonitor", "logsidecar");
        var spec = monitor["spec"]!.AsObject();

        // The injector labels no pod (a namespace label can opt them in): pods are chosen by the sidecar's port name alone.
        Assert.Equal(true, (bool?)spec["namespaceSelector"]?["any"]);
        Assert.Empty(spec["selector"]!.AsObject());
        var endpoint = Assert.Single(spec["podMetricsEndpoints"]!.AsArray())!;
        Assert.Equal(SidecarPortName, (string?)endpoint["port"]);
        Assert.Equal("/metrics", (string?)endpoint["path"]);
    }

    [Fact]
    public async Task ThePodMonitorsPortIsTheOneTheInjectorDeclaresOnTheSidecar()
    {
        using var directory = new TempDirectory();
        var pod = directory.File("pod.yaml");
        await File.WriteAllTextAsync(pod, """
            apiVersion: v1
            kind: Pod
            metadata: {name: app, labels: {logsidecar.io/inject: "true"}}
            spec:
              containers: [{name: app, image: registry.example/app:1}]
            """, TestContext.Current.CancellationToken);
        var config = await InjectorConfig.WriteAsync("base", directory);

        var result = await InjectorCommand.InjectAsync(pod, ["--config", config], TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe("inject --config (base)"));
        var injected = KubernetesModels.Read<V1Pod>(YamlDocuments.Parse(result.Output).Single());
        // Native sidecars are init containers; without them the sidecar is a regular container.
        var sidecar = (injected.Spec.InitContainers ?? []).Concat(injected.Spec.Containers).Single(container => container.Name == "logsidecar");
        var monitor = await Kustomize.DocumentAsync(MonitoringManifests.Kustomization, "PodMonitor", "logsidecar");
        var scraped = (string?)monitor["spec"]!["podMetricsEndpoints"]![0]!["port"];
        Assert.Contains(sidecar.Ports, port => port.Name == scraped);
    }

    [Fact]
    public async Task EveryJobTheAlertsAndTheDashboardSelectIsOneTheMonitorsSet()
    {
        var set = new HashSet<string>(StringComparer.Ordinal) { await PodMonitorJobAsync(), await ServiceMonitorJobAsync() };
        var alerts = await MonitoringManifests.AlertsAsync();
        var panels = MonitoringManifests.PanelQueries(MonitoringManifests.Dashboard());

        var named = alerts.SelectMany(alert => MonitoringManifests.Jobs(alert.Expr).Select(job => (Where: $"alert {alert.Name}", Job: job)))
            .Concat(panels.SelectMany(query => MonitoringManifests.Jobs(query.Expr).Select(job => (Where: $"panel {query.Panel}", Job: job))))
            .ToList();

        Assert.Equal(["logsidecar", "logsidecar-injector"], named.Select(pair => pair.Job).Distinct().Order(StringComparer.Ordinal));
        Assert.All(named, pair => Assert.True(set.Contains(pair.Job), $"{pair.Where} selects job=\"{pair.Job}\", which no monitor sets ({string.Join(", ", set)})"));
    }

    [Fact]
    public async Task TheServiceMonitorReachesTheInjectorOverHttpsAndTrustsTheCaOfItsCertificate()
    {
        var monitor = await Kustomize.DocumentAsync(MonitoringManifests.Kustomization, "ServiceMonitor", "logsidecar-injector");
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;
        var service = KubernetesModels.Read<V1Service>(await Kustomize.DocumentAsync("cert-manager", "Service", "logsidecar-injector"));
        var deployment = KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync("cert-manager", "Deployment", "logsidecar-injector"));
        var certificate = await Kustomize.DocumentAsync("cert-manager", "Certificate", "logsidecar-injector");

        Assert.All(monitor["spec"]!["selector"]!["matchLabels"]!.AsObject(), label => Assert.Equal((string?)label.Value, service.Metadata.Labels[label.Key]));
        Assert.Equal(service.Metadata.NamespaceProperty, (string?)monitor["metadata"]!["namespace"]);
        Assert.Contains(service.Spec.Ports, port => port.Name == (string?)endpoint["port"]);
        Assert.Equal("https", (string?)endpoint["scheme"]);
        var tls = endpoint["tlsConfig"]!;
        var servingSecret = deployment.Spec.Template.Spec.Volumes.Single(volume => volume.Name == "tls").Secret.SecretName;
        Assert.Equal(servingSecret, (string?)tls["ca"]!["secret"]!["name"]);
        Assert.Equal("ca.crt", (string?)tls["ca"]!["secret"]!["key"]);
        Assert.Contains((string?)tls["serverName"], certificate["spec"]!["dnsNames"]!.AsArray().Select(name => (string?)name));
    }

    [Fact]
    public async Task TheDashboardConfigMapCarriesTheDashboardForGrafanasSidecar()
    {
        var map = KubernetesModels.Read<V1ConfigMap>(await Kustomize.DocumentAsync(MonitoringManifests.Kustomization, "ConfigMap", "logsidecar-grafana-dashboard"));

        Assert.Equal("1", map.Metadata.Labels["grafana_dashboard"]);
        var (file, json) = Assert.Single(map.Data);
        Assert.Equal(Path.GetFileName(MonitoringManifests.DashboardFile), file);
        Assert.True(JsonNode.DeepEquals(MonitoringManifests.Dashboard(), JsonNode.Parse(json)), "the ConfigMap's dashboard differs from the file");
    }

    [Fact]
    public async Task EveryAlertHasASeverityASummaryAndADescriptionOfWhatToDo()
    {
        var rules = (await MonitoringManifests.RuleGroupsAsync())["groups"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()).ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            var name = (string?)rule!["alert"];
            Assert.StartsWith("LogSidecar", name, StringComparison.Ordinal);
            Assert.Contains((string?)rule["labels"]?["severity"], new[] { "critical", "warning", "info" });
            var summary = (string?)rule["annotations"]?["summary"];
            var description = (string?)rule["annotations"]?["description"];
            Assert.False(string.IsNullOrWhiteSpace(summary), $"{name} has no summary");
            Assert.True(description?.Length > 2 * summary!.Length, $"{name}: the description should say what happened and what to do, not repeat the summary");
        });
    }

    private static async Task<string> PodMonitorJobAsync()
    {
        var monitor = await Kustomize.DocumentAsync(MonitoringManifests.Kustomization, "PodMonitor", "logsidecar");
        var relabeling = monitor["spec"]!["podMetricsEndpoints"]![0]!["relabelings"]!.AsArray().Single(r => (string?)r!["targetLabel"] == "job")!;
        return (string)relabeling["replacement"]!;
    }

    // The operator names a ServiceMonitor's job after the Service it selects (without jobLabel).
    private static async Task<string> ServiceMonitorJobAsync()
    {
        var monitor = await Kustomize.DocumentAsync(MonitoringManifests.Kustomization, "ServiceMonitor", "logsidecar-injector");
        Assert.Null(monitor["spec"]!["jobLabel"]);
        var selector = monitor["spec"]!["selector"]!["matchLabels"]!.AsObject();
        var services = (await Kustomize.DocumentsAsync("base"))
            .Where(document => (string?)document["kind"] == "Service")
            .Where(service => selector.All(label => (string?)service["metadata"]!["labels"]?[label.Key] == (string?)label.Value))
            .ToList();
        return (string)Assert.Single(services)["metadata"]!["name"]!;
    }
}
