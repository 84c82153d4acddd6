using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

/// <summary>The optional component manifests/network-policy, added to an overlay the way the README says.</summary>
public sealed class NetworkPolicyTests
{
    private const string ApiServer = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: logsidecar-api-server
          annotations:
            config.kubernetes.io/local-config: "true"
        data:
          cidr: 192.0.2.10/32
        """;

    public static TheoryData<string> Installs => ["cert-manager", "self-signed"];

    private static Dictionary<string, string> Overlay(string install, bool withApiServer) => new(StringComparer.Ordinal)
    {
        ["kustomization.yaml"] = $"""
            resources:
            - MANIFESTS/{install}
            {(withApiServer ? "- api-server.yaml" : "")}
            components:
            - MANIFESTS/network-policy
            """,
        ["api-server.yaml"] = ApiServer,
    };

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task OnlyTheApiServersAddressesMayReachTheWebhookPortOfTheInjectorPods(string install)
    {
        var result = await Kustomize.BuildOverlayAsync(Overlay(install, withApiServer: true), TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe("kubectl kustomize"));
        var documents = YamlDocuments.Parse(result.Output);
        var policy = KubernetesModels.Read<V1NetworkPolicy>(Assert.Single(documents, d => (string?)d["kind"] == "NetworkPolicy"));
        var deployment = KubernetesModels.Read<V1Deployment>(Assert.Single(documents, d => (string?)d["kind"] == "Deployment"));
        Assert.Equal("logsidecar-system", policy.Metadata.NamespaceProperty);
        Assert.All(policy.Spec.PodSelector.MatchLabels, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        var rule = Assert.Single(policy.Spec.Ingress);
        var port = Assert.Single(rule.Ports);
        Assert.Equal(("TCP", "https"), (port.Protocol, port.Port.Value));
        Assert.Contains(deployment.Spec.Template.Spec.Containers[0].Ports, p => p.Name == "https");
        var peer = Assert.Single(rule.FromProperty);
        Assert.Null(peer.PodSelector);
        Assert.Null(peer.NamespaceSelector);
        Assert.Equal("192.0.2.10/32", peer.IpBlock.Cidr);

        // The address source is for kustomize only: it is not applied to the cluster.
        Assert.DoesNotContain(documents, d => (string?)d["metadata"]?["name"] == "logsidecar-api-server");
    }

    [Fact]
    public async Task WithoutTheApiServersAddressesTheBuildFailsAndSaysWhatIsMissing()
    {
        var result = await Kustomize.BuildOverlayAsync(Overlay("cert-manager", withApiServer: false), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("logsidecar-api-server", result.Error, StringComparison.Ordinal);
    }
}
