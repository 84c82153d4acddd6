using System.Text.Json.Nodes;
using k8s.Models;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>What <c>manifests/cluster-logging</c> renders and holds: the Deployment, its sidecar configuration and the API server's files.</summary>
public static class ClusterLoggingManifests
{
    public const string Overlay = "cluster-logging";

    public const string Namespace = "logsidecar-system";

    public const string DeploymentName = "logsidecar-cluster-logging";

    public const string ServiceName = "logsidecar-audit";

    /// <summary>The label selector of the Deployment's pods (<c>kubectl logs -l</c>).</summary>
    public const string PodSelector = "app.kubernetes.io/name=logsidecar-cluster-logging";

    public static async Task<V1Deployment> DeploymentAsync() =>
        KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync(Overlay, "Deployment", DeploymentName));

    public static async Task<V1Service> ServiceAsync() =>
        KubernetesModels.Read<V1Service>(await Kustomize.DocumentAsync(Overlay, "Service", ServiceName));

    /// <summary>The sidecar's configuration in the ConfigMap, read as the sidecar reads it.</summary>
    public static async Task<SidecarConfig> ConfigAsync()
    {
        var map = await Kustomize.DocumentAsync(Overlay, "ConfigMap", DeploymentName);
        var config = SidecarConfigReader.Parse((string)map["data"]!["config.json"]!, "config.json", out var error);
        Assert.Null(error);
        return config!;
    }

    /// <summary>The path of a file of <c>api-server/</c> (for the control-plane nodes).</summary>
    public static string ApiServerPath(string name) => Path.Combine(RepositoryLayout.Kustomization(Overlay), "api-server", name);

    public static JsonObject ApiServerFile(string name) =>
        Assert.Single(YamlDocuments.Parse(File.ReadAllText(ApiServerPath(name))));
}
